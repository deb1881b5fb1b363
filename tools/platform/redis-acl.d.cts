export interface ServiceEntry {
  name: string;
  healthPort: number;
  dbEnv: string;
  /** Services whose request streams this one appends to. */
  calls?: string[];
  /** Services whose event streams this one reads through its consumer group. */
  consumes?: string[];
}

export interface AppEdges {
  calls: string[];
  consumes: string[];
  /** The app serves message patterns (answers on its callers' reply channels). */
  serves: boolean;
}

export type CallGraph = Record<string, AppEdges>;
export type TransportName = 'streams' | 'redis';

export const GATEWAY: string;
export const ADMIN_USER: string;
export const COMPOSE_ACL_FILE: string;
export const RENDER_ACL_SCRIPT: string;
export const CHART_ACL_FILE: string;
export const CHART_RENDER_ACL_SCRIPT: string;
export function callGraph(services: ServiceEntry[]): CallGraph;
export function aclRules(app: string, graph: CallGraph, options?: { transport?: TransportName }): string[];
export function appUsers(graph: CallGraph): string[];
export function passwordEnv(user: string): string;
export function generatePasswords(graph: CallGraph, existing?: Record<string, string>): Record<string, string>;
export function redisUrlFor(url: string, user: string, password: string): string;
export function withoutCredentials(url: string): string;
export function applyAcl(options: {
  url: string;
  passwords: Record<string, string>;
  graph: CallGraph;
  transport?: TransportName;
}): Promise<void>;
export function renderComposeAcl(services: ServiceEntry[]): string;
/** Every file redis-acl.cjs writes, by absolute path: compose's ACL file and the Helm chart's copies. */
export function aclFiles(services: ServiceEntry[]): Record<string, string>;
