#!/usr/bin/env node
// Generates docs/API.md from the doc comments of the public API (what lib/index.ts exports),
// with the TypeScript compiler's own view of every signature. `npm run docs`; a test checks that
// the committed file is current.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'lib', 'index.ts');
const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, experimentalDecorators: false, types: [] });
const checker = program.getTypeChecker();
const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function docOf(symbol) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const examples = symbol
    .getJsDocTags(checker)
    .filter((t) => t.name === 'example')
    .map((t) => ts.displayPartsToString(t.text).trim());
  return { text, examples };
}

function resolve(symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function isInternal(symbol) {
  return symbol.getJsDocTags(checker).some((t) => t.name === 'internal') || symbol.getName().startsWith('_');
}

function signatureLines(name, symbol) {
  const decl = symbol.valueDeclaration || (symbol.declarations || [])[0];
  if (!decl) return [];
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  return type.getCallSignatures().map((sig) => `${name}${checker.signatureToString(sig, decl, flags)}`);
}

function describeClass(name, symbol, out) {
  const decl = symbol.valueDeclaration;
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  const ctor = type.getConstructSignatures().map((s) => `new ${name}${checker.signatureToString(s, decl, flags).replace(/: [^:]*$/, '')}`);
  if (ctor.length) out.push('```ts', ...ctor, '```');
  const instance = checker.getDeclaredTypeOfSymbol(symbol);
  const members = [];
  for (const prop of instance.getProperties()) {
    if (isInternal(prop)) continue;
    const d = (prop.declarations || [])[0];
    if (!d || d.getSourceFile().fileName.includes('node_modules')) continue;
    const mods = ts.getCombinedModifierFlags(d);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    const { text } = docOf(prop);
    const propType = checker.getTypeOfSymbolAtLocation(prop, d);
    const sigs = propType.getCallSignatures();
    const shown = sigs.length && (prop.flags & ts.SymbolFlags.Method) ? sigs.map((s) => `${prop.getName()}${checker.signatureToString(s, d, flags)}`).join('; ') : `${prop.getName()}: ${checker.typeToString(propType, d, flags)}`;
    members.push(`- \`${shown}\`${text ? ` — ${text.split('\n')[0]}` : ''}`);
  }
  if (members.length) out.push('', ...members);
}

function describe(name, symbol, out, prefix) {
  symbol = resolve(symbol);
  if (isInternal(symbol)) return;
  const full = prefix ? `${prefix}.${name}` : name;
  const { text, examples } = docOf(symbol);
  if (symbol.flags & ts.SymbolFlags.Class) {
    out.push(`### class \`${full}\``, '');
    if (text) out.push(text, '');
    describeClass(name, symbol, out);
  } else if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) {
    const sigs = signatureLines(name, symbol);
    out.push(`### \`${full}\``, '');
    if (text) out.push(text, '');
    if (sigs.length) out.push('```ts', ...sigs, '```');
    else {
      const decl = symbol.valueDeclaration || symbol.declarations[0];
      out.push('```ts', `${name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, flags)}`, '```');
    }
  } else if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Enum)) {
    const kind = symbol.flags & ts.SymbolFlags.Interface ? 'interface' : symbol.flags & ts.SymbolFlags.Enum ? 'enum' : 'type';
    out.push(`### ${kind} \`${full}\``, '');
    if (text) out.push(text, '');
  } else {
    return;
  }
  for (const ex of examples) out.push('', '```ts', ex.replace(/^```\w*\n?|```$/g, '').trim(), '```');
  out.push('');
}

/**
 * The optimizers' table, read from their records (`defineOptimizer({...})` in each optimizer's
 * file), in the order of BUILT_IN_OPTIMIZERS (lib/optim/registry.ts). The fields are literals, so
 * the source says everything without loading the native addon.
 */
function optimizerTable(lines) {
  const registry = program.getSourceFile(path.join(root, 'lib', 'optim', 'registry.ts'));
  let list = null;
  registry.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'BUILT_IN_OPTIMIZERS') list = node.initializer;
    else node.forEachChild(visit);
  });
  if (!list || !ts.isCallExpression(list) || !ts.isArrayLiteralExpression(list.arguments[0])) throw new Error('lib/optim/registry.ts: BUILT_IN_OPTIMIZERS = Object.freeze([...records]) not found');
  const literal = (record, key, node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isObjectLiteralExpression(node)) return Object.fromEntries(node.properties.map((p) => [p.name.getText(), ts.isPropertyAssignment(p) ? literal(record, `${key}.${p.name.getText()}`, p.initializer) : p.getText()]));
    if (ts.isNumericLiteral(node) || ts.isPrefixUnaryExpression(node)) return node.getText();
    throw new Error(`${record}: ${key} is not a literal (${node.getText()}); docs/API.md reads the records from the source`);
  };
  const flagText = { stepAsTensor: 'step kept as a tensor', hasGroupState: 'has group state' };
  lines.push('## Optimizers (their records)', '', 'Generated from each optimizer\'s record (`sg.optim.listOptimizers({ verbose: true })` returns them; `sg-optim optimizers --verbose` prints them).', '');
  lines.push("| name | reference | SuperGradients' defaults | flags | description |", '|---|---|---|---|---|');
  for (const element of list.arguments[0].elements) {
    const symbol = resolve(checker.getSymbolAtLocation(element));
    const decl = symbol.valueDeclaration;
    const call = decl && decl.initializer;
    if (!call || !ts.isCallExpression(call) || !ts.isObjectLiteralExpression(call.arguments[0])) throw new Error(`${element.getText()}: expected defineOptimizer({...})`);
    const fields = {};
    for (const prop of call.arguments[0].properties) {
      const key = prop.name.getText();
      if (['name', 'description', 'reference', 'sgDefaults', 'flags'].includes(key)) fields[key] = literal(element.getText(), key, prop.initializer);
    }
    const defaults = Object.entries(fields.sgDefaults).map(([k, v]) => `${k}: ${v}`).join(', ');
    const flags = Object.entries(fields.flags).filter(([, v]) => v === true).map(([k]) => flagText[k] || k).join(', ');
    lines.push(`| \`${fields.name}\` | ${fields.reference} | ${defaults ? `\`${defaults}\`` : '—'} | ${flags || '—'} | ${fields.description} |`);
  }
  lines.push('');
}

const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
const out = ['# sg-optim API reference', '', 'Generated by `npm run docs` from the doc comments of the public API (`lib/index.ts`). Do not edit by hand.', ''];
const namespaces = [];
const top = [];
for (const exp of checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.getName().localeCompare(b.getName()))) {
  const target = resolve(exp);
  if (target.flags & ts.SymbolFlags.ValueModule && !(target.flags & ts.SymbolFlags.Class)) namespaces.push([exp.getName(), target]);
  else top.push([exp.getName(), target]);
}
out.push('## sg (tensors, ops, save/load, Trainer)', '');
for (const [name, sym] of top) describe(name, sym, out, 'sg');
for (const [ns, sym] of namespaces) {
  out.push(`## sg.${ns}`, '');
  for (const exp of checker.getExportsOfModule(sym).sort((a, b) => a.getName().localeCompare(b.getName()))) describe(exp.getName(), exp, out, `sg.${ns}`);
}
optimizerTable(out);
const text = `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
const target = path.join(root, 'docs', 'API.md');
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    // Name the first line that differs, so a failing CI says which doc comment changed.
    const a = current.split('\n');
    const b = text.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    console.error(`docs/API.md is out of date: run npm run docs\n  first difference at line ${i + 1}:\n  docs/API.md: ${JSON.stringify(a[i] ?? '')}\n  generated:   ${JSON.stringify(b[i] ?? '')}`);
    process.exit(1);
  }
  console.log('docs/API.md is current');
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`wrote docs/API.md (${text.split('\n').length} lines)`);
}
