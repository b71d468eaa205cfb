/** Ready-made tasks for common work; node kinds of the builder map to these. */
export {};
