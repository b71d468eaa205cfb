// The rrule package ships an ES module for bundlers and a UMD file that Node loads, which has
// only a default export; this reads both the same way.
import * as rrulePackage from 'rrule';

type RRuleExports = Pick<typeof rrulePackage, 'RRule' | 'rrulestr'>;
const loaded: Partial<RRuleExports> & { default?: RRuleExports } = rrulePackage;
const library: RRuleExports | undefined = loaded.RRule ? rrulePackage : loaded.default;
if (!library) throw new Error('The rrule package has neither named exports nor a default export');

export const { RRule, rrulestr } = library;
export type RRuleInstance = InstanceType<typeof RRule>;
