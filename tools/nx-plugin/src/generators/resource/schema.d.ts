export interface ResourceGeneratorSchema {
  service: string;
  name: string;
  plural?: string;
}
