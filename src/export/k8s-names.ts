// Kubernetes object names: container and volume names are DNS-1123 labels (lower-case letters,
// digits and `-`, at most 63 characters), pod names DNS-1123 subdomains.

/** `my_Proc.1` → `my-proc-1`; never empty. */
export function dnsLabel(name: string, max = 63): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s === '' ? 'x' : s;
}

/** Hands out distinct labels: a repeated one gets `-2`, `-3`, … */
export function uniqueNamer(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    const base = dnsLabel(name);
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${dnsLabel(base, 63 - String(n).length - 1)}-${n}`;
    used.add(candidate);
    return candidate;
  };
}
