// Turns every ```cpp block of a Markdown file into a function of one C++ source
// (its #include lines hoisted), so a test can prove the README's code compiles.
// Usage: node extract_snippets.mjs README.md out.cpp
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const blocks = [...readFileSync(input, 'utf8').matchAll(/```cpp\n([\s\S]*?)```/g)].map((m) => m[1]);
const includes = new Set();
const bodies = blocks.map((code, i) => {
  const body = code.split('\n').filter((line) => {
    if (!line.startsWith('#include')) return true;
    includes.add(line);
    return false;
  });
  return `[[maybe_unused]] static void readme_example_${i}() {\n${body.join('\n')}}\n`;
});
writeFileSync(output, `// Generated from ${input} by tests/docs/extract_snippets.mjs.\n${[...includes].join('\n')}\n\n${bodies.join('\n')}\nint main() { return ${blocks.length} == 0; }\n`);
