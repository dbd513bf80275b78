// The subset of the Kubernetes core/v1 Pod schema the exporter writes (checked against the real
// schema with kubernetes-models in the tests).

export interface K8sEnvVar {
  name: string;
  value: string;
}

export interface K8sVolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface K8sSecurityContext {
  runAsUser: number;
  runAsGroup: number;
  runAsNonRoot?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation: boolean;
  readOnlyRootFilesystem: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile: { type: 'RuntimeDefault' | 'Unconfined' };
}

export interface K8sContainer {
  name: string;
  image: string;
  command: string[];
  args?: string[];
  env: K8sEnvVar[];
  workingDir: string;
  securityContext: K8sSecurityContext;
  resources?: { limits: { memory: string } };
  volumeMounts: K8sVolumeMount[];
}

export type K8sVolume =
  | { name: string; emptyDir: Record<string, never> }
  | { name: string; persistentVolumeClaim: { claimName: string } }
  | { name: string; hostPath: { path: string; type?: string } };

export interface K8sPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    hostPID: boolean;
    shareProcessNamespace: false;
    hostNetwork: true;
    dnsPolicy: 'Default';
    automountServiceAccountToken: false;
    enableServiceLinks: false;
    restartPolicy: 'Always';
    terminationGracePeriodSeconds: number;
    initContainers?: K8sContainer[];
    containers: K8sContainer[];
    volumes: K8sVolume[];
  };
}
