// Schemas of the analyzer API: node-pressure.
export {};
