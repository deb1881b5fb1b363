export interface ServiceGeneratorSchema {
  name: string;
  resource?: string;
  plural?: string;
  healthPort?: number;
  /** Services it sends requests to, comma-separated. */
  calls?: string | string[];
  /** Services whose events it handles, comma-separated. */
  consumes?: string | string[];
}
