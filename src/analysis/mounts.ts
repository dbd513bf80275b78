// The bind mounts a process's container would get (docs/behaviour/container.md §3.3–3.6), with where each one
// comes from in bpm.yml, plus the volumes bpm would silently drop. Pure: globs go through HostView.

import type { JobPaths } from '../bosh/paths.ts';
import type { ProcessConfig, Volume } from '../config/types.ts';
import { cleanPath, joinPath } from '../go/path.ts';
import { boshMounts, systemMounts } from '../oci/bind-mounts.ts';
import { isAtOrBelow } from '../oci/path-within.ts';
import type { FindingSink } from './finding.ts';
import type { HostView } from './host-view.ts';

export interface AnalysedMount {
  source: string;
  destination: string;
  writable: boolean;
  exec: boolean;
  origin: 'system' | 'bosh' | 'additional' | 'unrestricted';
  /** Field path of the volume in bpm.yml (user volumes only). */
  field?: string;
}

/** An unrestricted volume pattern with its current matches (bad patterns are left out). */
export interface ExpandedVolume {
  volume: Volume;
  field: string;
  matches: string[];
}

/** Unrestricted-volume globs matching at least this many paths are reported. */
const MANY_GLOB_MATCHES = 10;

const NO_FEATURES = {
  swapLimit: false,
  seccomp: true,
  systemd: false,
  resolvconf: false,
  systemdResolve: false,
};

function fromOptions(options: readonly string[] | undefined): { writable: boolean; exec: boolean } {
  return { writable: options?.includes('rw') ?? false, exec: options?.includes('exec') ?? false };
}

function preview(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown}, … (${paths.length - 3} more)` : shown;
}

/**
 * Expands `unsafe.unrestricted_volumes` of process `i`: an error for a malformed pattern (start
 * fails with `syntax error in pattern`), a warning for a pattern that matches nothing (bpm skips
 * it silently) or many paths.
 */
export function expandUnrestricted(
  p: ProcessConfig,
  i: number,
  host: HostView,
  out: FindingSink,
): ExpandedVolume[] {
  const result: ExpandedVolume[] = [];
  (p.unsafe?.unrestrictedVolumes ?? []).forEach((volume, j) => {
    const field = `processes[${i}].unsafe.unrestricted_volumes[${j}].path`;
    let matches: string[];
    try {
      matches = host.glob(volume.path);
    } catch {
      out.error(
        field,
        'glob-pattern-invalid',
        `unrestricted volume pattern ${JSON.stringify(volume.path)} is malformed: start fails with "syntax error in pattern"`,
        'close every [ class and do not end the pattern with a lone backslash',
      );
      return;
    }
    const redirectable = matches.flatMap((m) => {
      const reason = host.jobRedirect(m);
      return reason === undefined ? [] : [`${m} (${reason})`];
    });
    if (redirectable.length > 0) {
      out.warning(
        field,
        'unrestricted-volume-job-redirectable',
        `unrestricted volume ${JSON.stringify(volume.path)}: bpm drops ${redirectable.length} of ${matches.length} match(es) because the job could redirect the mount: ${preview(redirectable)}`,
        'mount only paths that are not symlinks and that no directory writable by vcap leads to',
      );
      matches = matches.filter((m) => host.jobRedirect(m) === undefined);
    }
    if (matches.length === 0 && redirectable.length === 0) {
      out.warning(
        field,
        'unrestricted-volume-no-match',
        `unrestricted volume ${JSON.stringify(volume.path)} matches no path on this host; bpm silently mounts nothing`,
        'create the path before starting, or remove the volume',
      );
    } else if (matches.length >= MANY_GLOB_MATCHES) {
      out.warning(
        field,
        'glob-many-matches',
        `unrestricted volume pattern ${JSON.stringify(volume.path)} matches ${matches.length} paths right now: ${preview(matches)}`,
        'narrow the pattern: each match becomes a bind mount of the host',
      );
    }
    result.push({ volume, field, matches });
  });
  return result;
}

/**
 * The container's bind mounts after bpm's filtering and de-duplication, in collection order.
 * Warns about the user volumes bpm drops: unrestricted matches under a BOSH mount, and any
 * volume whose destination repeats an earlier mount's.
 */
export function analyseMounts(
  p: ProcessConfig,
  i: number,
  paths: JobPaths,
  unrestricted: readonly ExpandedVolume[],
  out: FindingSink,
): AnalysedMount[] {
  const mounts: AnalysedMount[] = [];
  for (const m of systemMounts(NO_FEATURES)) {
    mounts.push({
      source: m.source ?? m.destination,
      destination: m.destination,
      ...fromOptions(m.options),
      origin: 'system',
    });
  }
  const bosh = boshMounts(paths, p);
  for (const m of bosh) {
    mounts.push({
      source: m.source ?? m.destination,
      destination: m.destination,
      ...fromOptions(m.options),
      origin: 'bosh',
    });
  }
  p.additionalVolumes.forEach((v, j) => {
    mounts.push({
      source: v.path,
      destination: v.path,
      writable: v.writable,
      exec: v.allowExecutions,
      origin: 'additional',
      field: `processes[${i}].additional_volumes[${j}].path`,
    });
  });
  for (const u of unrestricted) {
    const dropped: string[] = [];
    for (const path of u.matches) {
      const guard = bosh.find((b) => isAtOrBelow(path, b.destination));
      if (guard !== undefined) {
        dropped.push(`${path} (under ${guard.destination})`);
        continue;
      }
      mounts.push({
        source: path,
        destination: path,
        writable: u.volume.writable,
        exec: u.volume.allowExecutions,
        origin: 'unrestricted',
        field: u.field,
      });
    }
    if (dropped.length > 0) {
      out.warning(
        u.field,
        'volume-dropped-bosh-mount',
        `unrestricted volume ${JSON.stringify(u.volume.path)}: bpm silently drops ${dropped.length} of ${u.matches.length} match(es) because they lie in a BOSH mount: ${preview(dropped)}`,
        'those paths are already mounted by bpm with its own options; remove them from the volume',
      );
    }
  }
  return dedup(mounts, out);
}

function dedup(mounts: readonly AnalysedMount[], out: FindingSink): AnalysedMount[] {
  const seen = new Map<string, AnalysedMount>();
  const kept: AnalysedMount[] = [];
  for (const m of mounts) {
    const first = seen.get(m.destination);
    if (first === undefined) {
      seen.set(m.destination, m);
      kept.push(m);
      continue;
    }
    if (m.field !== undefined) {
      const what =
        first.origin === 'system' || first.origin === 'bosh'
          ? `bpm's own ${first.origin} mount`
          : 'an earlier volume';
      out.warning(
        m.field,
        'volume-duplicate-destination',
        `volume ${m.destination} duplicates the destination of ${what}; bpm silently drops it (first mount wins)`,
        'remove the duplicate volume',
      );
    }
  }
  return kept;
}

/** The mount whose destination contains `path` most specifically, if any. */
function mountFor(path: string, mounts: readonly AnalysedMount[]): AnalysedMount | undefined {
  let best: AnalysedMount | undefined;
  for (const m of mounts) {
    if (
      isAtOrBelow(path, m.destination) &&
      (best === undefined || m.destination.length > best.destination.length)
    ) {
      best = m;
    }
  }
  return best;
}

/** The host path a container path is backed by, or undefined when no mount contains it. */
export function hostPathOf(path: string, mounts: readonly AnalysedMount[]): string | undefined {
  const clean = cleanPath(path);
  const m = mountFor(clean, mounts);
  if (m === undefined) return undefined;
  return joinPath(m.source, clean.slice(cleanPath(m.destination).length));
}
