import type { ScriptDocument } from '@podfleet/providers';
import { applyScriptEdit, applyVoices, withLineIds } from './rerender';

const script: ScriptDocument = {
  title: 'Canals',
  description: 'Two hosts on the Erie Canal.',
  hosts: [{ name: 'Maya', voice: 'af_bella' }, { name: 'Theo' }],
  chapters: [{ title: 'Opening' }, { title: 'Growth' }],
  lines: [
    { speaker: 'Maya', text: 'It opened in 1825.', chapter: 0 },
    { speaker: 'Theo', text: 'And it joined a river to a lake.', chapter: 0 },
    { speaker: 'Maya', text: 'Towns grew along it.', chapter: 1 },
  ],
  wordCount: 16,
  usage: null,
};

describe('withLineIds', () => {
  it("numbers a writer's lines by position", () => {
    expect(withLineIds(script).lines.map((l) => l.id)).toEqual(['l1', 'l2', 'l3']);
  });

  it('keeps the ids an edit sent and gives new lines the next free ones', () => {
    const edited = withLineIds({
      ...script,
      lines: [
        { id: 'l3', speaker: 'Maya', text: 'Moved up.', chapter: 0 },
        { speaker: 'Theo', text: 'A new line.', chapter: 0 },
        { id: 'l1', speaker: 'Maya', text: 'It opened in 1825.', chapter: 1 },
        { speaker: 'Maya', text: 'Another new one.', chapter: 1 },
      ],
    });
    expect(edited.lines.map((l) => l.id)).toEqual(['l3', 'l4', 'l1', 'l5']);
  });
});

describe('applyScriptEdit', () => {
  const edit = {
    hosts: script.hosts,
    chapters: script.chapters,
    lines: withLineIds(script).lines.map((l) =>
      l.id === 'l2' ? { ...l, text: 'It joined the Hudson to Lake Erie.' } : l,
    ),
  };

  it('gives the whole script, the title kept, the word count counted again and no usage', () => {
    const applied = applyScriptEdit(script, edit);
    expect(applied.problems).toEqual([]);
    expect(applied.script).toMatchObject({ title: 'Canals', wordCount: 15, usage: null });
    expect(applied.script?.lines[1]).toEqual({
      id: 'l2',
      speaker: 'Theo',
      text: 'It joined the Hudson to Lake Erie.',
      chapter: 0,
    });
  });

  it('names every problem the schema cannot see: speakers, chapters, duplicate hosts and ids', () => {
    const applied = applyScriptEdit(script, {
      hosts: [{ name: 'Maya' }, { name: 'maya' }],
      chapters: [{ title: 'Only' }],
      lines: [
        { id: 'a', speaker: 'Nobody', text: 'Hi.', chapter: 0 },
        { id: 'a', speaker: 'Maya', text: 'Hello.', chapter: 1 },
      ],
    });
    expect(applied.script).toBeNull();
    expect(applied.problems.map((p) => p.path)).toEqual([
      'hosts.1.name',
      'lines.0.speaker',
      'lines.1.chapter',
      'lines.1.id',
    ]);
  });
});

describe('applyVoices', () => {
  it('changes the host named, or the one at the same position', () => {
    expect(applyVoices(script, [{ name: 'theo', voice: 'am_adam' }]).script.hosts).toEqual([
      { name: 'Maya', voice: 'af_bella' },
      { name: 'Theo', voice: 'am_adam' },
    ]);
    expect(applyVoices(script, [{ voice: 'af_sky' }]).script.hosts[0]).toEqual({
      name: 'Maya',
      voice: 'af_sky',
    });
    // The script itself is not changed.
    expect(script.hosts[1]).toEqual({ name: 'Theo' });
  });

  it('names a host the script lacks', () => {
    const applied = applyVoices(script, [{ name: 'Ada', voice: 'x' }, { voice: 'y' }, { voice: 'z' }]);
    expect(applied.problems).toEqual([
      { path: 'hosts.0.name', message: '"Ada" is not a host (hosts: Maya, Theo)' },
      { path: 'hosts.2', message: 'the script has 2 hosts' },
    ]);
  });
});
