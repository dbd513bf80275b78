import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCommand } from '../../src/cli/command-table.ts';
import { helpFlag, VERSION_FLAG } from '../../src/cli/flag-spec.ts';
import { commandWordIndex, parseFlags } from '../../src/cli/parse-flags.ts';

function specsOf(name: string) {
  const cmd = findCommand(name)!;
  return [...cmd.flags, helpFlag(name), VERSION_FLAG];
}
const logs = specsOf('logs');
const run = specsOf('run');

test('defaults and flags anywhere', () => {
  const p = parseFlags(['web', '-f', '--lines', '30', 'extra', '-p', 'worker'], logs);
  assert.deepEqual(p.positional, ['web', 'extra']);
  assert.equal(p.flags['follow'], true);
  assert.equal(p.flags['lines'], 30);
  assert.equal(p.flags['process'], 'worker');
  assert.equal(p.flags['all'], false);
  assert.equal(parseFlags(['web'], logs).flags['lines'], 25);
});

test('combined shorthands and attached values', () => {
  const p = parseFlags(['-af', '-n30', 'web', '-pworker', '-q'], logs);
  assert.equal(p.flags['all'], true);
  assert.equal(p.flags['follow'], true);
  assert.equal(p.flags['quiet'], true);
  assert.equal(p.flags['lines'], 30);
  assert.equal(p.flags['process'], 'worker');
  assert.equal(parseFlags(['--lines=7'], logs).flags['lines'], 7);
  assert.equal(parseFlags(['-n=8'], logs).flags['lines'], 8);
  assert.equal(parseFlags(['-afn3'], logs).flags['lines'], 3);
  assert.equal(parseFlags(['-p='], logs).flags['process'], '=');
  assert.equal(parseFlags(['--process='], logs).flags['process'], '');
  assert.equal(parseFlags(['--all=false', '-a=0'], logs).flags['all'], false);
});

test('-- ends flags; a lone - is positional', () => {
  const p = parseFlags(['-f', '--', '-n', 'x', '--bogus'], logs);
  assert.deepEqual(p.positional, ['-n', 'x', '--bogus']);
  assert.deepEqual(parseFlags(['-'], logs).positional, ['-']);
});

test('repeatable string arrays keep every value in order', () => {
  const p = parseFlags(
    ['job', '-v', '/a', '--volume=/b:writable', '-e', 'A=1', '-eB=2', '--env', 'C=3'],
    run,
  );
  assert.deepEqual(p.flags['volume'], ['/a', '/b:writable']);
  assert.deepEqual(p.flags['env'], ['A=1', 'B=2', 'C=3']);
  assert.deepEqual(parseFlags([], run).flags['env'], []);
});

test('pflag error texts', () => {
  const cases: [string[], string][] = [
    [['--bogus'], 'unknown flag: --bogus'],
    [['--bogus=1'], 'unknown flag: --bogus'],
    [['-z'], "unknown shorthand flag: 'z' in -z"],
    [['-az'], "unknown shorthand flag: 'z' in -z"],
    [['-p'], "flag needs an argument: 'p' in -p"],
    [['-ap'], "flag needs an argument: 'p' in -p"],
    [['--process'], 'flag needs an argument: --process'],
    [['-n', 'abc'], 'invalid argument "abc" for "-n, --lines" flag: not an integer'],
    [['--lines=1e3'], 'invalid argument "1e3" for "-n, --lines" flag: not an integer'],
    [
      ['-n', '9223372036854775808'],
      'invalid argument "9223372036854775808" for "-n, --lines" flag: out of range (-9223372036854775808 to 9223372036854775807)',
    ],
    [['-a=yes'], 'invalid argument "yes" for "-a, --all" flag: not a boolean (true or false)'],
    [['--version=2'], 'invalid argument "2" for "--version" flag: not a boolean (true or false)'],
    [['---x'], 'bad flag syntax: ---x'],
    [["-'"], "unknown shorthand flag: '\\'' in -'"],
  ];
  for (const [args, message] of cases)
    assert.throws(() => parseFlags(args, logs), { message }, args.join(' '));
});

test('the first error wins, even after -h', () => {
  assert.throws(() => parseFlags(['-h', '-z'], logs), { message: "unknown shorthand flag: 'z' in -z" });
  assert.equal(parseFlags(['-h'], logs).flags['help'], true);
});

test('commandWordIndex follows cobra stripFlags', () => {
  const root = [helpFlag('bpm'), VERSION_FLAG];
  assert.equal(commandWordIndex(['start', 'x'], root), 0);
  assert.equal(commandWordIndex(['--version', 'start'], root), 1);
  assert.equal(commandWordIndex(['-h', 'list'], root), 1);
  assert.equal(commandWordIndex([], root), -1);
  assert.equal(commandWordIndex(['--', 'start'], root), -1);
  // An unknown flag is assumed to take the next word as its value.
  assert.equal(commandWordIndex(['-p', 'x', 'start'], root), 2);
  assert.equal(commandWordIndex(['-p', 'start'], root), -1);
  assert.equal(commandWordIndex(['--process=x', 'start'], root), 1);
});
