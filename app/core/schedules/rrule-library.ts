// The rrule package ships an ES module for bundlers and a UMD file that Node loads, which has
// only a default export; this reads both the same way.
import * as rrulePackage from 'rrule';

type RRuleExports = typeof rrulePackage;
const loaded = rrulePackage as RRuleExports & { default?: RRuleExports };
const library: RRuleExports = loaded.RRule ? loaded : (loaded.default as RRuleExports);

export const { RRule, rrulestr } = library;
export type RRuleInstance = InstanceType<typeof RRule>;
