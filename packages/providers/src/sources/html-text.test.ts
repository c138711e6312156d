import { htmlToText, normalizeText } from './html-text';

describe('htmlToText', () => {
  it('keeps paragraphs, drops markup, scripts and styles, decodes entities', () => {
    const html = `<h2>Title</h2>
      <p>First   paragraph with <b>bold</b>
         and a <a href="/x">link</a>.</p>
      <script>alert("no")</script><style>p{}</style>
      <ul><li>one</li><li>two&nbsp;&amp; three</li></ul>
      <p>Line<br>break &#8217;quoted&#8217;</p>`;
    expect(htmlToText(html)).toBe(
      'Title\n\nFirst paragraph with bold and a link.\n\none\n\ntwo & three\n\nLine\nbreak ’quoted’',
    );
  });

  it('survives markup nested deeper than the call stack', () => {
    const depth = 20_000;
    expect(htmlToText(`${'<span>'.repeat(depth)}deep${'</span>'.repeat(depth)}`)).toBe('deep');
  });

  it('passes plain text through, normalised', () => {
    expect(htmlToText('  a\r\n\r\n\r\n\tb  ')).toBe('a\n\nb');
    expect(normalizeText('x \u00a0 y')).toBe('x y');
  });
});
