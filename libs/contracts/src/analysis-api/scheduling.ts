// Schemas of the analyzer API: scheduling.
export {};
