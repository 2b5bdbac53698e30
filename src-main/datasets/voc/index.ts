export { readVocDataset, IMAGE_EXTENSIONS, type ReadVocOptions } from './read-voc';
export { parseVocAnnotation, type VocAnnotation } from './annotation';
export { parseClassesText } from './classes';
