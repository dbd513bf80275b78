// Test helper: make sure the `vcap` user exists (scripts/setup.sh creates it on CI) and return it.
import { execFileSync } from 'node:child_process';
import { lookupUser } from '../../src/go/user.ts';
import type { User } from '../../src/host-facts.ts';

export function ensureVcap(): User {
  try {
    return lookupUser('vcap');
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'vcap'], { stdio: 'ignore' });
    } catch {
      // The group may exist already.
    }
    execFileSync(
      'useradd',
      [
        '--system',
        '--gid',
        'vcap',
        '--home-dir',
        '/var/vcap',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'vcap',
      ],
      { stdio: 'inherit' },
    );
    return lookupUser('vcap');
  }
}
