// Pieces every view is built of, so that alerts, tables and form fields look and read the same
// (to screen readers too) wherever they stand.
import type { ComponentChildren } from 'preact';

/** A view: a region named by its heading. */
export function Page({
  id,
  title,
  children,
}: {
  id: string;
  title: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section aria-labelledby={`${id}-title`} class="stack">
      <h1 id={`${id}-title`}>{title}</h1>
      {children}
    </section>
  );
}

/** A search landmark around a form of fields in a row. */
export function SearchForm({
  onSearch,
  children,
}: {
  onSearch: (e: Event) => void;
  children: ComponentChildren;
}) {
  return (
    <search>
      <form class="card row" onSubmit={onSearch}>
        {children}
      </form>
    </search>
  );
}

/** What went wrong, announced at once; nothing while there is nothing to say. */
export function Alert({ message }: { message: string }) {
  return message ? (
    <p role="alert" class="error">
      {message}
    </p>
  ) : null;
}

/** What an action did, announced politely. */
export function Status({ text }: { text: string }) {
  return (
    <p role="status" class="muted">
      {text}
    </p>
  );
}

/** A table with one header row of column names; a hidden caption still names it to screen readers. */
export function Table(props: {
  caption: ComponentChildren;
  hideCaption?: boolean;
  columns: string[];
  children: ComponentChildren;
}) {
  return (
    <table>
      <caption class={props.hideCaption ? 'sr-only' : undefined}>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A labelled control, one column of a form row; `grow` gives it the row's remaining width. */
export function Field(props: {
  id: string;
  label: ComponentChildren;
  grow?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={props.grow ? 'stack grow' : 'stack'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}

/** The query box of a search form; it takes the row's remaining width. */
export function SearchField(props: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} grow>
      <input
        id={props.id}
        type="search"
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/** An API key's prefix, as the key lists show it. */
export const KeyPrefix = ({ prefix }: { prefix: string }) => <code>{prefix}…</code>;

/** Revokes one API key; screen readers hear which one. */
export function RevokeKeyButton({ prefix, onRevoke }: { prefix: string; onRevoke: () => void }) {
  return (
    <button type="button" class="secondary" onClick={onRevoke}>
      Revoke <span class="sr-only">key {prefix}</span>
    </button>
  );
}

/** "1 job", "3 jobs". */
export const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
