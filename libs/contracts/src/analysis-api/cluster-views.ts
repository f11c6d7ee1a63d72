// Schemas of the analyzer API: cluster-views.
export {};
