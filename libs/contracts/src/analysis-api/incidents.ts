// Schemas of the analyzer API: incidents.
export {};
