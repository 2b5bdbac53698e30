/** The text files of the demo's VOC layout: annotation XML, split lists, classes.txt. */
import type { DemoSample } from './render';

export const DATASET_NAME = 'EADER Workbench demo shapes';

export function annotationXml(id: string, sample: DemoSample): string {
  const objects = sample.objects.map(
    (o) => `\t<object>
\t\t<name>${o.shape}</name>
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
\t\t<database>${DATASET_NAME}</database>
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
