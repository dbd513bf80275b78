// `bpm export k8s` stderr warnings (docs/export-k8s.md): what the Pod could not carry over.

/** No `vcap` user on this host: the Pod runs as the fallback ids. */
export function noVcapUserWarning(user: { uid: number; gid: number }): string {
  return `warning: no vcap user on this host; runAsUser/runAsGroup use ${user.uid}:${user.gid}\n`;
}

/** A bpm.yml setting Kubernetes has no equivalent for, e.g. `api_server: limits.processes=200 …`. */
export function notExpressibleWarning(what: string): string {
  return `warning: not expressible in Kubernetes: ${what}\n`;
}
