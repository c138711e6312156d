import { join } from 'node:path';
import ts from 'typescript';
import { type K8sObject, objectId } from './kustomize';
import { MODELS, modelKey } from './validate';

/**
 * Unknown fields: the API server refuses them (kubectl's field validation is strict by default),
 * but the OpenAPI schemas that validate() uses allow them. The same packages ship TypeScript
 * interfaces of every type, whose object literals TypeScript checks for excess properties: each
 * rendered object becomes `const oN: IDeployment = {...}` in a virtual file checked in memory, so
 * `readinesProbe` or a misplaced `resources` is reported with its path.
 */
export function checkKnownFields(objects: readonly K8sObject[]): string[] {
  // Inside this package, so module resolution finds the model packages' types.
  const file = join(__dirname, '__rendered_manifests__.ts');
  const problems: string[] = [];
  const imports = new Map<string, string>();
  const declarations: Array<{ object: K8sObject; text: string }> = [];
  for (const object of objects) {
    const model = MODELS[modelKey(object)];
    if (!model) {
      problems.push(`${objectId(object)}: no types for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    const alias = `T${imports.size}`;
    if (!imports.has(model.module)) imports.set(model.module, alias);
    const type = imports.get(model.module);
    declarations.push({
      object,
      text: `export const o${declarations.length}: ${type} = ${JSON.stringify(object)};`,
    });
  }
  const header = [...imports].map(([module, alias]) => {
    const model = Object.values(MODELS).find((m) => m.module === module);
    return `import type { ${model?.typeName} as ${alias} } from '${module}';`;
  });
  const text = [...header, ...declarations.map((d) => d.text)].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, language)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file);
  if (!source) return [...problems, 'the generated file was not compiled'];
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const line =
      diagnostic.start === undefined ? -1 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
    const declaration = declarations[line - header.length];
    problems.push(`${declaration ? objectId(declaration.object) : 'header'}: ${message}`);
  }
  return problems;
}
