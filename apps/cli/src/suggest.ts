/** The CLI's "did you mean" hints: `@ridgeline/format`'s, which the engine's resolvers use too. */
export { didYouMean, suggest } from '@ridgeline/format';
