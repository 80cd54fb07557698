// One copy of the HTTP test plumbing and the differential property for both Node adapters.
export * from '../../express/test/support.js';
export { DIFFERENTIAL_POLICY, assertMatchesDecide } from '../../express/test/differential.js';
