// kubernetes-models and its family ship ES modules behind the "import" condition only; Jest
// resolves with "require". For those packages alone, resolve "import" (they are compiled to
// CommonJS like our own sources: see transformIgnorePatterns in jest.config.js).
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+|is-cidr|cidr-regex|ip-regex)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ['import', 'default'] } : options,
  );
