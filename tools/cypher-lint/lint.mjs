#!/usr/bin/env node
// nhskg-cypher-lint: checks .cypher files with Neo4j's own Cypher parser and
// semantic analyser (@neo4j-cypher/language-support, pinned in package.json),
// as Neo4j 5 ("CYPHER 5") would see them.
//
// Usage:
//   node tools/cypher-lint/lint.mjs [--no-function-check] [--schema FILE.json] PATH...
//
// PATH is a .cypher file or a directory (searched recursively for *.cypher).
//
// Prints ONE JSON document to stdout:
//   {"files": [{"path": ..., "errors": [{"line", "column", "message", "severity"}],
//               "warnings": [...]}]}
// line and column are 1-based. Only diagnostics of severity "Error" are errors;
// everything else (deprecations, performance hints, unknown labels when a
// schema is given) goes in "warnings" and does not fail.
//
// Exit status: 0 = no file has errors, 1 = at least one file has errors,
//              2 = usage error or the linter itself is not working.
//
// How it works: every file's full text goes through `lintCypherQuery` (the
// library's linter, which runs the ANTLR syntax check plus Neo4j's semantic
// analysis, compiled from Neo4j's Java front end). Parameters ($as_of, ...)
// are declared to the library per file (found with its own `parseParameters`),
// so they are never reported as undefined. The library's built-in Neo4j 5
// function catalogue (from its bundled `testData.mockSchema`, built-in entries
// only: no APOC/GDS) is supplied so unknown function names are errors;
// --no-function-check turns that off. --schema FILE merges a DbSchema JSON
// (labels, relationshipTypes, propertyKeys, ...) into the schema; without
// one, labels, relationship types and properties are not checked at all.
//
// The library swallows exceptions from its semantic analyser and would then
// silently report syntax errors only, so this script first proves that the
// semantic analysis works (on `MATCH (n) RETURN m`) and exits 2 if it does not.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import {
  lintCypherQuery,
  parseParameters,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';

const CYPHER_VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'Error', 2: 'Warning', 3: 'Information', 4: 'Hint' };

function usage(message) {
  if (message) process.stderr.write(`cypher-lint: ${message}\n`);
  process.stderr.write(
    'usage: node lint.mjs [--no-function-check] [--schema FILE.json] PATH...\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { functionCheck: true, schemaFile: null, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-function-check') opts.functionCheck = false;
    else if (arg === '--schema') {
      if (i + 1 >= argv.length) usage('--schema needs a file');
      opts.schemaFile = argv[++i];
    } else if (arg === '-h' || arg === '--help') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else opts.paths.push(arg);
  }
  if (opts.paths.length === 0) usage('no .cypher file or directory given');
  return opts;
}

function builtinFunctions() {
  const all = testData?.mockSchema?.functions?.[CYPHER_VERSION] ?? {};
  return Object.fromEntries(
    Object.entries(all).filter(([, fn]) => fn && fn.isBuiltIn),
  );
}

function baseSchema(opts) {
  let schema = {};
  if (opts.schemaFile) {
    try {
      schema = JSON.parse(readFileSync(opts.schemaFile, 'utf8'));
    } catch (err) {
      usage(`cannot read schema ${opts.schemaFile}: ${err.message}`);
    }
  }
  schema = { ...schema, defaultLanguage: CYPHER_VERSION };
  if (opts.functionCheck && !schema.functions) {
    const fns = builtinFunctions();
    if (Object.keys(fns).length === 0) {
      process.stderr.write(
        'cypher-lint: the library no longer ships its function catalogue; ' +
          'run with --no-function-check\n',
      );
      process.exit(2);
    }
    schema.functions = { [CYPHER_VERSION]: fns };
  }
  return schema;
}

function collectFiles(paths) {
  const files = [];
  const missing = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full);
      } else if (entry.name.endsWith('.cypher')) files.push(full);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

function toEntry(diagnostic) {
  return {
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    message: diagnostic.message,
    severity: SEVERITY[diagnostic.severity] ?? String(diagnostic.severity),
  };
}

function lintText(text, schema) {
  const params = parseParameters(text, false);
  const fileSchema = {
    ...schema,
    parameters: {
      ...(schema.parameters ?? {}),
      ...Object.fromEntries(params.map((name) => [name, null])),
    },
  };
  const errors = [];
  const warnings = [];
  const chunks = parseStatementsStrs(text);
  const isStatement = (chunk) =>
    chunk.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim().length > 0;
  const statements = chunks.filter(isStatement);
  // With console commands disabled, the library reports a comment-only tail
  // after the last ';' as a missing statement, which Neo4j itself accepts.
  // Blank that tail out (keeping newlines, so positions do not move).
  let lastStatement = chunks.length - 1;
  while (lastStatement >= 0 && !isStatement(chunks[lastStatement])) lastStatement--;
  const prefix = chunks.slice(0, lastStatement + 1).join('');
  if (lastStatement >= 0 && text.startsWith(prefix)) {
    text = prefix + text.slice(prefix.length).replace(/[^\n]/g, ' ');
  }
  if (statements.length === 0) {
    errors.push({
      line: 1,
      column: 1,
      message: 'File contains no Cypher statement',
      severity: 'Error',
    });
    return { errors, warnings };
  }
  if (statements.length > 1) {
    warnings.push({
      line: 1,
      column: 1,
      message: `File contains ${statements.length} statements; expected one query per file`,
      severity: 'Warning',
    });
  }
  const { diagnostics } = lintCypherQuery(text, fileSchema, {
    consoleCommandsEnabled: false,
  });
  for (const d of diagnostics) {
    (d.severity === 1 ? errors : warnings).push(toEntry(d));
  }
  const byPosition = (a, b) => a.line - b.line || a.column - b.column;
  errors.sort(byPosition);
  warnings.sort(byPosition);
  return { errors, warnings };
}

function selfCheck(schema) {
  // Syntactically fine, semantically wrong: must yield a semantic error.
  const bad = lintText('MATCH (n) RETURN m', schema).errors;
  const good = lintText('MATCH (n:Entity {id: $id}) RETURN n', schema).errors;
  if (!bad.some((e) => /not defined/i.test(e.message)) || good.length !== 0) {
    process.stderr.write(
      'cypher-lint: self-check failed: the semantic analyser is not working ' +
        `(bad query gave ${JSON.stringify(bad)}, good query gave ${JSON.stringify(good)})\n`,
    );
    process.exit(2);
  }
}

function displayPath(p) {
  if (!isAbsolute(p)) return p;
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

const opts = parseArgs(process.argv.slice(2));
const schema = baseSchema(opts);
selfCheck(schema);

const { files, missing } = collectFiles(opts.paths);
const results = [];
for (const p of missing) {
  results.push({
    path: displayPath(p),
    errors: [{ line: 1, column: 1, message: 'No such file or directory', severity: 'Error' }],
    warnings: [],
  });
}
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    results.push({
      path: displayPath(file),
      errors: [{ line: 1, column: 1, message: `Cannot read file: ${err.message}`, severity: 'Error' }],
      warnings: [],
    });
    continue;
  }
  results.push({ path: displayPath(file), ...lintText(text, schema) });
}

process.stdout.write(JSON.stringify({ files: results }, null, 2) + '\n');
process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
