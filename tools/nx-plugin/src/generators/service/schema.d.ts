export interface ServiceGeneratorSchema {
  name: string;
  resource?: string;
  plural?: string;
  healthPort?: number;
}
