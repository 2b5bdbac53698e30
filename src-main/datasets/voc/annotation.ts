/** One VOC Annotations/<id>.xml: object class names and the image size. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface VocAnnotation {
  objectNames: string[];
  width?: number;
  height?: number;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (_name, jpath) => jpath === 'annotation.object',
});

function positiveInt(value: unknown): number | undefined {
  const n = Number(typeof value === 'string' ? value.trim() : value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Parse annotation XML; throws an Error with a plain reason when it is not usable. */
export function parseVocAnnotation(xml: string): VocAnnotation {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`broken XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as { annotation?: unknown };
  const annotation = doc.annotation;
  if (!annotation || typeof annotation !== 'object') throw new Error('no <annotation> element');
  const { object, size } = annotation as { object?: unknown[]; size?: { width?: unknown; height?: unknown } };
  const objectNames: string[] = [];
  for (const obj of object ?? []) {
    const name = obj && typeof obj === 'object' ? (obj as { name?: unknown }).name : undefined;
    if (typeof name === 'string' && name.trim()) objectNames.push(name.trim());
    else throw new Error('an <object> has no <name>');
  }
  return { objectNames, width: positiveInt(size?.width), height: positiveInt(size?.height) };
}
