import { describe, expect, it } from 'vitest';
import { parseVocAnnotation } from './annotation';
import { parseClassesText } from './classes';

describe('parseVocAnnotation', () => {
  it('reads one or many objects and the size', () => {
    const one = parseVocAnnotation('<annotation><size><width> 500 </width><height>375</height></size><object><name>dog</name></object></annotation>');
    expect(one).toEqual({ objectNames: ['dog'], width: 500, height: 375 });
    const many = parseVocAnnotation('<annotation><object><name>cat</name><difficult>1</difficult></object><object><name> person </name></object></annotation>');
    expect(many).toEqual({ objectNames: ['cat', 'person'], width: undefined, height: undefined });
    expect(parseVocAnnotation('<annotation><filename>x.jpg</filename></annotation>').objectNames).toEqual([]);
  });

  it('rejects broken or foreign XML with a reason', () => {
    expect(() => parseVocAnnotation('<annotation><object></annotation>')).toThrow(/broken XML.*line 1/);
    expect(() => parseVocAnnotation('<coco/>')).toThrow(/no <annotation> element/);
    expect(() => parseVocAnnotation('<annotation><object><pose>Left</pose></object></annotation>')).toThrow(/has no <name>/);
  });
});

describe('parseClassesText', () => {
  it('keeps a list that starts with background', () => {
    expect(parseClassesText('_background_\r\ncat\n\n# comment\ndog\n', 'classes.txt')).toEqual({ classes: ['background', 'cat', 'dog'], issues: [] });
  });

  it('adds a missing background and drops duplicates, saying so', () => {
    const { classes, issues } = parseClassesText('cat\ndog\nCat\n', 'c.txt');
    expect(classes).toEqual(['background', 'cat', 'dog']);
    expect(issues.map((i) => i.reason)).toEqual([expect.stringMatching(/not background/), expect.stringMatching(/listed twice/)]);
    expect(() => parseClassesText('\n\n', 'c.txt')).toThrow(/lists no classes/);
  });
});
