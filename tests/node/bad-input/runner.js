// Runs generated bad-input cases. A case is { name, run, expect }:
//   expect.error: regexes the Error message must all match (it must name the function or
//                 layer, and say what was expected and what was given);
//   expect.valid: a check of the documented valid result, when the input is legal after all;
//   expect.either: { error, valid } when both outcomes are acceptable (the value is checked).
// A crash is anything else: a wasm trap (WebAssembly.RuntimeError), an abort, a thrown
// non-Error, a message missing what it must say, a missing error, or a module that no longer
// answers a known-good call afterwards.
export async function runCases(cases, probe) {
  const crashes = [];
  const outcome = { rejected: 0, valid: 0 };
  for (const c of cases) {
    let result;
    let error = null;
    try {
      result = await c.run();
    } catch (e) {
      error = e;
    }
    const problem = judge(c, result, error, outcome);
    if (problem) crashes.push(`${c.name}: ${problem}`);
    try {
      await probe();
    } catch (e) {
      crashes.push(`${c.name}: module unusable afterwards: ${e?.message ?? e}`);
      break;
    }
    if (c.cleanup) c.cleanup(result);
  }
  return { crashes, ...outcome };
}

function judge(c, result, error, outcome) {
  const { expect } = c;
  const errorSpec = expect.error ?? expect.either?.error;
  const validSpec = expect.valid ?? expect.either?.valid;
  if (error) {
    if (error instanceof WebAssembly.RuntimeError) return `wasm trap: ${error.message}`;
    if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
    if (/abort|Aborted|unreachable|RuntimeError|BindingError|undefined is not|Cannot read prop/i.test(error.message)) {
      return `internal failure leaked: ${error.message}`;
    }
    if (!errorSpec) return `unexpected Error: ${error.message}`;
    for (const pattern of errorSpec) {
      if (!pattern.test(error.message)) return `message "${error.message}" does not match ${pattern}`;
    }
    outcome.rejected++;
    return null;
  }
  if (!validSpec) return `no Error (returned ${describeResult(result)})`;
  try {
    validSpec(result);
  } catch (e) {
    return `accepted, but the result is wrong: ${e.message}`;
  }
  outcome.valid++;
  return null;
}

function describeResult(value) {
  if (value === undefined) return 'undefined';
  if (value?.constructor?.name) return value.constructor.name;
  return String(value);
}

// Regex-escapes a literal for use inside a message pattern.
export function literal(text) {
  return String(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function disposeAll(value) {
  if (!value) return;
  if (Array.isArray(value)) value.forEach(disposeAll);
  else if (typeof value.dispose === 'function' && !value.isDisposed) value.dispose();
}
