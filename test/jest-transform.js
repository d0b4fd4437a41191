/**
 * How every Jest config here (jest.config.js, jest.chaos.config.js, test/replay/jest.record.config.js) compiles the
 * code: .ts with @swc/jest as .swcrc says; .tsx (the portal's pages) as TSX with Preact's automatic runtime, which a
 * .ts file must not be parsed as (its `<T>x` casts).
 */
const tsx = {
  jsc: {
    parser: { syntax: 'typescript', tsx: true, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic', importSource: 'preact' } },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

module.exports = { '^.+\\.ts$': ['@swc/jest'], '^.+\\.tsx$': ['@swc/jest', tsx] };
