// The Pod as a YAML document.
import { stringify } from 'yaml';
import type { K8sPod } from './k8s-types.ts';

export function podYaml(pod: K8sPod): string {
  return stringify(pod, { lineWidth: 0, aliasDuplicateObjects: false });
}
