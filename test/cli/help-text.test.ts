// Golden help texts (docs/behaviour/commands.md §9), byte for byte; expected texts live in
// test/fixtures/cli/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findCommand } from '../../src/cli/command-table.ts';
import { commandSubject, helpText, rootSubject, usageText } from '../../src/cli/help-text.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/cli/${name}`, import.meta.url), 'utf8');

test('root help', () => {
  assert.equal(helpText(rootSubject()), fixture('root-help.txt'));
});

for (const name of ['start', 'stop', 'pid', 'shell', 'run', 'logs', 'trace', 'list', 'version']) {
  test(`${name} help and usage block`, () => {
    const subject = commandSubject(findCommand(name)!);
    const expected = fixture(`${name}-help.txt`);
    assert.equal(helpText(subject), expected);
    assert.equal(usageText(subject), expected.slice(expected.indexOf('Usage:')));
  });
}

test('usage block before an error', () => {
  const usage = usageText(commandSubject(findCommand('start')!));
  assert.equal(`${usage}\nError: must specify a job\n`, fixture('start-usage-error.txt'));
});
