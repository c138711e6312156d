import type { SourceDocument } from '../types';
import {
  type BillDetail,
  type BillList,
  type BillSummary,
  billDetailSchema,
  billListSchema,
  CongressApi,
  summariesSchema,
} from './congress-api';
import type { SourceContext } from './context';
import { makeDocument, toIsoDate } from './document';
import { htmlToText } from './html-text';

export type CongressSpec = { congress: number; billType: string; billNumber: number } | { recent: number };

/** Pages followed at most for `recent` (the API returns up to 250 per page; `recent` is ≤ 50). */
const MAX_PAGES = 10;
const MAX_PAGE_SIZE = 250;

export async function resolveCongressSource(
  spec: CongressSpec,
  ctx: SourceContext,
): Promise<SourceDocument[]> {
  const api = new CongressApi(ctx.congress, ctx.signal);
  if ('recent' in spec) {
    const documents: SourceDocument[] = [];
    // One bill at a time: the API quota is per hour and shared by the fleet.
    for (const ref of await recentBills(api, spec.recent)) documents.push(await billDocument(api, ref));
    return documents;
  }
  return [
    await billDocument(api, {
      congress: spec.congress,
      type: spec.billType,
      number: String(spec.billNumber),
    }),
  ];
}

interface BillRef {
  congress: number;
  type: string;
  number: string;
}

/** The `count` most recently updated bills, following `pagination.next` as needed. */
async function recentBills(api: CongressApi, count: number): Promise<BillRef[]> {
  const found = new Map<string, BillRef>();
  const first = api.url('bill');
  first.searchParams.set('sort', 'updateDate desc'); // serialised as updateDate+desc
  first.searchParams.set('limit', String(Math.min(count, MAX_PAGE_SIZE)));
  let url: URL | null = first;
  for (let page = 0; url && page < MAX_PAGES && found.size < count; page++) {
    const list: BillList = await api.get(url, billListSchema);
    for (const bill of list.bills) {
      const ref = { congress: bill.congress, type: bill.type.toLowerCase(), number: bill.number };
      if (found.size < count) found.set(`${ref.congress}/${ref.type}/${ref.number}`, ref);
    }
    url = list.bills.length > 0 && list.pagination?.next ? api.nextPage(list.pagination.next) : null;
  }
  return [...found.values()];
}

async function billDocument(api: CongressApi, ref: BillRef): Promise<SourceDocument> {
  const path = `bill/${ref.congress}/${ref.type.toLowerCase()}/${ref.number}`;
  const [detail, summaries] = await Promise.all([
    api.get(api.url(path), billDetailSchema),
    api.get(api.url(`${path}/summaries`), summariesSchema),
  ]);
  const bill = detail.bill;
  const label = `${BILL_LABELS[bill.type.toLowerCase()] ?? bill.type.toUpperCase()} ${bill.number}`;
  return makeDocument({
    kind: 'congress',
    title: `${label} (${ordinal(bill.congress)} Congress): ${bill.title}`,
    url: publicBillUrl(bill),
    publishedAt: toIsoDate(bill.latestAction?.actionDate ?? bill.updateDate),
    text: billText(bill, label, latestSummary(summaries.summaries)),
  });
}

/** Plain sentences a script writer can quote: what it is, who sponsored it, where it stands, the CRS summary. */
export function billText(bill: BillDetail, label: string, summary: BillSummary | null): string {
  const lines = [`${bill.title}.`];
  const introduced = [
    bill.originChamber && `in the ${bill.originChamber}`,
    bill.introducedDate && `on ${bill.introducedDate}`,
  ]
    .filter(Boolean)
    .join(' ');
  lines.push(
    `${label} is a bill of the ${ordinal(bill.congress)} Congress${introduced ? `, introduced ${introduced}` : ''}.`,
  );
  const sponsors = (bill.sponsors ?? []).map((s) => s.fullName).filter(Boolean);
  if (sponsors.length > 0) lines.push(`Sponsor: ${sponsors.join('; ')}.`);
  if (bill.policyArea?.name) lines.push(`Policy area: ${bill.policyArea.name}.`);
  if (bill.latestAction?.text) {
    lines.push(
      `Latest action${bill.latestAction.actionDate ? ` (${bill.latestAction.actionDate})` : ''}: ${bill.latestAction.text}`,
    );
  }
  const laws = (bill.laws ?? []).filter((l) => l.number).map((l) => `${l.type ?? 'Public Law'} ${l.number}`);
  if (laws.length > 0) lines.push(`Became law: ${laws.join(', ')}.`);
  const parts = [lines.join('\n')];
  if (summary) {
    const heading = [summary.actionDesc, summary.actionDate].filter(Boolean).join(', ');
    parts.push(`Summary${heading ? ` (${heading})` : ''}:\n${htmlToText(summary.text)}`);
  }
  return parts.join('\n\n');
}

/** The summary of the latest legislative stage (by action date, then update date). */
function latestSummary(summaries: BillSummary[]): BillSummary | null {
  const key = (s: BillSummary) => `${s.actionDate ?? ''}|${s.updateDate ?? ''}`;
  return [...summaries].sort((a, b) => key(b).localeCompare(key(a)))[0] ?? null;
}

const BILL_LABELS: Record<string, string> = {
  hr: 'H.R.',
  s: 'S.',
  hjres: 'H.J.Res.',
  sjres: 'S.J.Res.',
  hconres: 'H.Con.Res.',
  sconres: 'S.Con.Res.',
  hres: 'H.Res.',
  sres: 'S.Res.',
};
const BILL_PATHS: Record<string, string> = {
  hr: 'house-bill',
  s: 'senate-bill',
  hjres: 'house-joint-resolution',
  sjres: 'senate-joint-resolution',
  hconres: 'house-concurrent-resolution',
  sconres: 'senate-concurrent-resolution',
  hres: 'house-resolution',
  sres: 'senate-resolution',
};

/** The bill's page on www.congress.gov (what a listener would open), not the API URL. */
function publicBillUrl(bill: BillDetail): string | null {
  const kind = BILL_PATHS[bill.type.toLowerCase()];
  return kind
    ? `https://www.congress.gov/bill/${ordinal(bill.congress)}-congress/${kind}/${bill.number}`
    : null;
}

export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
