/**
 * Jest transform for the ESM-only dependencies: ES modules to CommonJS, everything else untouched
 * (standard class fields included, which those packages rely on).
 */
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, useDefineForClassFields: true },
    });
    return { code: outputText };
  },
};
