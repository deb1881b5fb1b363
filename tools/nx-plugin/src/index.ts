export { serviceGenerator } from './generators/service/generator';
export { resourceGenerator } from './generators/resource/generator';
