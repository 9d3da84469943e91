export * from './types.ts';
export { efficiencyAt } from './efficiency.ts';
