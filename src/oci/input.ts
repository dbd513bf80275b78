// What the pure spec builder needs to know; gathered by lifecycle from config, paths and the host.
import type { JobPaths } from '../bosh/paths.ts';
import type { ProcessConfig, Volume } from '../config/types.ts';
import type { HostFeatures, User } from '../host-facts.ts';

export interface SpecInput {
  job: string;
  process: ProcessConfig;
  containerId: string;
  paths: JobPaths;
  /** The vcap user (ignored for privileged processes, which run as root). */
  user: User;
  features: HostFeatures;
  /** unsafe.unrestricted_volumes after glob expansion, in order, each with its volume's options. */
  unrestrictedVolumes: Volume[];
  /**
   * Host path → the path runc is given as that bind mount's source (root-only staging points,
   * src/host/staging.ts). Destinations and options are not affected.
   */
  mountSources?: ReadonlyMap<string, string>;
}
