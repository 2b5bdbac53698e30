/** The text files of a generated VOC layout: annotation XML, split lists, classes.txt. */

export const DATASET_NAME = 'EADER Workbench demo shapes';

/** One object of an annotation: its class name and visible box (0-based inclusive pixels). */
export interface VocObject {
  name: string;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  truncated: boolean;
}

export function annotationXml(id: string, sample: { width: number; height: number; objects: readonly VocObject[] }, database: string): string {
  const objects = sample.objects.map(
    (o) => `\t<object>
\t\t<name>${o.name}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>${o.truncated ? 1 : 0}</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>${o.box.xmin + 1}</xmin>
\t\t\t<ymin>${o.box.ymin + 1}</ymin>
\t\t\t<xmax>${o.box.xmax + 1}</xmax>
\t\t\t<ymax>${o.box.ymax + 1}</ymax>
\t\t</bndbox>
\t</object>
`,
  );
  return `<annotation>
\t<folder>VOC2012</folder>
\t<filename>${id}.jpg</filename>
\t<source>
\t\t<database>${database}</database>
\t</source>
\t<size>
\t\t<width>${sample.width}</width>
\t\t<height>${sample.height}</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>1</segmented>
${objects.join('')}</annotation>
`;
}

export function listText(ids: readonly string[]): string {
  return ids.map((id) => `${id}\n`).join('');
}
