/**
 * The modules the worker shares between all cached cases (worker/preload.ts) keep no state of
 * their own, so one case can never see or change another's. The worker freezes what it shares;
 * what a freeze cannot reach (a module-level `let`, the insides of a Map or Set) is checked here
 * in the sources, for every project module the preload loads, directly or through its imports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/** The project's own modules that `entry` loads, itself included. */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = ts.createSourceFile(entry, fs.readFileSync(entry, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier
        ? (statement.moduleSpecifier as ts.StringLiteral).text
        : undefined;
    const typeOnly =
      (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) ||
      (ts.isExportDeclaration(statement) && statement.isTypeOnly);
    if (!specifier?.startsWith('.') || typeOnly) continue;
    const base = path.resolve(path.dirname(entry), specifier);
    const file = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    if (file) closure(file, seen);
  }
  return seen;
}

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Module-level state in one source file: `let`/`var`, and Maps, Sets or arrays a case could fill. */
function moduleState(file: string): Finding[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node, what: string) =>
    findings.push({
      file: path.relative(ROOT, file),
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      what,
    });
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const flags = statement.declarationList.flags;
    if (!(flags & ts.NodeFlags.Const)) at(statement, 'een let of var op moduleniveau');
    for (const d of statement.declarationList.declarations) {
      const init = d.initializer;
      if (!init) continue;
      if (ts.isRegularExpressionLiteral(init) && /\/[a-z]*[gy][a-z]*$/.test(init.text))
        at(d, 'een patroon met vlag g of y (zijn lastIndex verandert)');
      if (ts.isNewExpression(init) && /^(Map|WeakMap)$/.test(init.expression.getText()))
        at(d, 'een Map op moduleniveau (de worker kan die niet bevriezen)');
    }
  }
  // A module-level Set may only be read: no add, delete or clear on it anywhere in the file.
  const sets = new Set(
    source.statements
      .filter(ts.isVariableStatement)
      .flatMap((s) => s.declarationList.declarations)
      .filter(
        (d) =>
          d.initializer && ts.isNewExpression(d.initializer) && d.initializer.expression.getText() === 'Set',
      )
      .map((d) => d.name.getText()),
  );
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      sets.has(node.expression.expression.getText()) &&
      ['add', 'delete', 'clear'].includes(node.expression.name.text)
    )
      at(node, `${node.expression.getText()}(): een gedeelde Set wordt veranderd`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe('the modules every cached case shares (worker/preload.ts)', () => {
  const modules = [...closure(path.join(ROOT, 'worker', 'preload.ts'))];

  it('include the contract and the chapters of the case', () => {
    const names = modules.map((m) => path.relative(ROOT, m));
    expect(names).toEqual(
      expect.arrayContaining(['domain/contract.ts', 'domain/case/registry.ts', 'domain/chapters/uvo.ts']),
    );
  });

  it('keep no state of their own that a case could change', () => {
    expect(modules.flatMap(moduleState)).toEqual([]);
  });

  it('the check finds module state where there is some', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'preload-')), 'x.ts');
    fs.writeFileSync(
      file,
      'let count = 0;\nconst SEEN = new Set<string>();\nexport const mark = (k: string) => SEEN.add(k);\nconst P = /a/g;\nconst M = new Map();\n',
    );
    expect(moduleState(file).map((f) => `${f.line}: ${f.what}`)).toEqual([
      '1: een let of var op moduleniveau',
      '4: een patroon met vlag g of y (zijn lastIndex verandert)',
      '5: een Map op moduleniveau (de worker kan die niet bevriezen)',
      '3: SEEN.add(): een gedeelde Set wordt veranderd',
    ]);
  });
});
