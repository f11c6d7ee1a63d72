// Schemas of the analyzer API: pod-views.
export {};
