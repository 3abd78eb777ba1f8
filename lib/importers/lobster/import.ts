/**
 * `msor import lobster`: a LOBSTER message + orderbook file pair to MBP-10 Parquet (docs/models.md section 1).
 *
 * Mapping, one message row -> records (sequence = the message file's line number, ts_event = ts_recv):
 *   1 add            -> A on the resting side, depth = level of the price in the book after
 *   2, 3 cancel      -> C on the resting side, depth = level in the book before
 *   4 execution      -> T on the AGGRESSOR side (opposite of the direction column) carrying the book before
 *                       (T does not change the book), then C on the resting side carrying the book after
 *   5 hidden exec.   -> T on the aggressor side, book unchanged
 *   6 cross          -> T with side N
 *   7 halt, price -1 -> R (clear) on side N: no price (NaN), size 0, an empty book, F_LAST; the market is
 *                       halted until trading resumes, so every record written while halted carries an empty
 *                       book too (its action, side, price and size as above)
 *   7, price 0 / 1   -> quoting / trading resumes: no record (counted); after trading resumes the records carry
 *                       the orderbook file's book again, so the next record restores the two-sided book
 * Resting side: direction +1 -> 'B', -1 -> 'A'. Prices: LOBSTER dollars x 1e4 -> x 1e5 = 1e-9 units ->
 * dollars; dummy empty levels -> no level (NaN, size 0). F_LAST marks the last record of each timestamp.
 */
import { basename } from "node:path";
import { nonTradingReason } from "../../core/calendar.ts";
import { DataFormatError, InputError } from "../../core/errors.ts";
import { checkDate, checkSymbol } from "../../core/ids.ts";
import { newYorkToUtcNs } from "../../core/session.ts";
import { Action, Flag, MAX_LEVELS, type Mbp10FullBatch, Side } from "../../mbp10/schema.ts";
import type { Mbp10WriteOptions } from "../../mbp10/writer.ts";
import type { CellSite } from "../csv/fields.ts";
import { LineReader, requireFile } from "../input.ts";
import { type ImportSummary, spanOf, writeImport } from "../output.ts";
import { RecordSink } from "../sink.ts";
import { bookBeforeFirst, isConsistent, levelOf } from "./book.ts";
import {
  EventType,
  LOBSTER_EMPTY_PRICE,
  type LobsterBook,
  type LobsterMessage,
  newLobsterBook,
  orderbookLevels,
  parseMessage,
  parseOrderbook,
} from "./rows.ts";

/** Databento publisher id of XNAS.ITCH (Nasdaq TotalView-ITCH), the source of LOBSTER's reconstructions. */
export const DEFAULT_LOBSTER_VENUE_ID = 2;
const NS_PER_HOUR = 3_600_000_000_000n;
const MAX_EXAMPLES = 10;

export interface LobsterReadOptions {
  messagePath: string;
  orderbookPath: string;
  /** Trading date YYYY-MM-DD (LOBSTER times are seconds after New York midnight of this date). */
  date: string;
  symbol: string;
  /** publisher_id written on every record (default 2, XNAS.ITCH). */
  venueId?: number;
  capacity?: number;
}

export interface LobsterReadStats {
  /** Message rows read. */
  rows: number;
  /** Book levels in the orderbook file (columns / 4). */
  levels: number;
  /** Trading halts (type 7, price -1), each written as a clear record; their message lines in examples. */
  halts: number;
  haltExamples: number[];
  /** Type-7 rows with price 0 (quoting resumes) or 1 (trading resumes): no record. */
  resumes: number;
  /** Non-halt rows between a halt and the trading resume: written with an empty book. */
  haltedRows: number;
  /** Rows whose book is not the previous book plus the message. */
  inconsistentRows: number;
  inconsistentExamples: number[];
  /** Rows whose time is earlier than the previous row's. */
  timeBackwards: number;
  records: number;
  firstTsNs?: bigint;
  lastTsNs?: bigint;
}

/** Zeroed counters for `lobsterBatches`. */
export function newLobsterStats(): LobsterReadStats {
  return {
    rows: 0,
    levels: 0,
    halts: 0,
    haltExamples: [],
    resumes: 0,
    haltedRows: 0,
    inconsistentRows: 0,
    inconsistentExamples: [],
    timeBackwards: 0,
    records: 0,
  };
}

/** A book row's prices in dollars (NaN = no level) for the levels written. */
interface UsdBook {
  readonly ask: Float64Array;
  readonly bid: Float64Array;
}

function toUsd(book: LobsterBook, out: UsdBook): void {
  for (let l = 0; l < out.ask.length; l++) {
    const a = book.askPx[l]!;
    const b = book.bidPx[l]!;
    out.ask[l] = a === LOBSTER_EMPTY_PRICE || book.askSz[l] === 0 ? Number.NaN : (a * 1e5) / 1e9;
    out.bid[l] = b === -LOBSTER_EMPTY_PRICE || book.bidSz[l] === 0 ? Number.NaN : (b * 1e5) / 1e9;
  }
}

/** LOBSTER type-7 prices: the halt status the message announces. */
const HaltStatus = { Halt: -1, Quoting: 0, Trading: 1 } as const;

/** Level of `price` on the bid (`bid`) or ask side of `book`. */
function sideLevel(book: LobsterBook, bid: boolean, price: number): number {
  return bid ? levelOf(book.bidPx, book.bidSz, true, price) : levelOf(book.askPx, book.askSz, false, price);
}

async function countRest(reader: LineReader): Promise<number> {
  let n = 0;
  while ((await reader.nextNonBlank()) !== undefined) n++;
  return n;
}

/** The records of a LOBSTER file pair as MBP-10 batches; `stats` is complete when the generator is done. */
export async function* lobsterBatches(
  o: LobsterReadOptions,
  stats: LobsterReadStats,
): AsyncGenerator<Mbp10FullBatch> {
  const venueId = o.venueId ?? DEFAULT_LOBSTER_VENUE_ID;
  const msgs = new LineReader(o.messagePath);
  const books = new LineReader(o.orderbookPath);
  const msgSite: CellSite = { file: o.messagePath, line: 0 };
  const bookSite: CellSite = { file: o.orderbookPath, line: 0 };
  try {
    let mLine = await msgs.nextNonBlank();
    let bLine = await books.nextNonBlank();
    if (mLine === undefined)
      throw new DataFormatError(`${o.messagePath} is empty; expected LOBSTER message rows`);
    if (bLine === undefined)
      throw new DataFormatError(`${o.orderbookPath} is empty; expected LOBSTER orderbook rows`);
    bookSite.line = books.lineNo;
    const levels = orderbookLevels(bLine, bookSite);
    const outLevels = Math.min(levels, MAX_LEVELS);
    stats.levels = levels;
    let before = newLobsterBook(levels);
    let after = newLobsterBook(levels);
    const usd = () => ({ ask: new Float64Array(outLevels), bid: new Float64Array(outLevels) });
    let beforeUsd: UsdBook = usd();
    let afterUsd: UsdBook = usd();
    const m: LobsterMessage = { timeNs: 0n, type: 0, size: 0, price: 0, direction: 0 };
    const sink = new RecordSink(outLevels, o.symbol, {
      markLast: true,
      ...(o.capacity ? { capacity: o.capacity } : {}),
    });
    let hour = -1n;
    let hourOffsetNs = 0n;
    let prevTimeNs = -1n;
    /** Between a trading halt and the trading resume: records carry an empty book. */
    let halted = false;
    const emptyBook = newLobsterBook(levels);
    const emptyUsd: UsdBook = usd();
    toUsd(emptyBook, emptyUsd);

    /** Fill the sink's current row. */
    const fill = (
      action: number,
      side: number,
      depth: number,
      book: LobsterBook,
      bookUsd: UsdBook,
      ts: bigint,
    ) => {
      const b = sink.batch;
      const r = sink.row;
      b.tsRecv[r] = ts;
      b.tsEvent[r] = ts;
      b.publisherId[r] = venueId;
      b.action[r] = action;
      b.side[r] = side;
      b.depth[r] = Math.min(depth, 255);
      b.price[r] = (m.price * 1e5) / 1e9;
      b.size[r] = m.size;
      b.sequence[r] = msgSite.line;
      for (let l = 0; l < outLevels; l++) {
        b.askPx[l]![r] = bookUsd.ask[l]!;
        b.bidPx[l]![r] = bookUsd.bid[l]!;
        b.askSz[l]![r] = Number.isNaN(bookUsd.ask[l]!) ? 0 : book.askSz[l]!;
        b.bidSz[l]![r] = Number.isNaN(bookUsd.bid[l]!) ? 0 : book.bidSz[l]!;
      }
    };

    for (;;) {
      if (mLine === undefined || bLine === undefined) {
        if (mLine === undefined && bLine === undefined) break;
        const nMsg = stats.rows + (mLine === undefined ? 0 : 1 + (await countRest(msgs)));
        const nBook = stats.rows + (bLine === undefined ? 0 : 1 + (await countRest(books)));
        throw new DataFormatError(
          `LOBSTER row counts differ: ${o.messagePath} has ${nMsg} rows but ${o.orderbookPath} has ${nBook}; ` +
            "message row i pairs with orderbook row i, so pass the two files of the same extract",
        );
      }
      msgSite.line = msgs.lineNo;
      bookSite.line = books.lineNo;
      parseMessage(mLine, msgSite, m);
      parseOrderbook(bLine, bookSite, after);
      toUsd(after, afterUsd);
      if (stats.rows === 0) {
        bookBeforeFirst(after, m, before);
        toUsd(before, beforeUsd);
      } else if (!isConsistent(before, after, m)) {
        stats.inconsistentRows++;
        if (stats.inconsistentExamples.length < MAX_EXAMPLES) stats.inconsistentExamples.push(msgSite.line);
      }
      stats.rows++;
      if (m.timeNs < prevTimeNs) stats.timeBackwards++;
      prevTimeNs = m.timeNs;
      const h = m.timeNs / NS_PER_HOUR;
      if (h !== hour) {
        hour = h;
        hourOffsetNs = newYorkToUtcNs(o.date, h * NS_PER_HOUR) - h * NS_PER_HOUR; // DST-correct per hour
      }
      const ts = hourOffsetNs + m.timeNs;
      if (m.type === EventType.Halt) {
        if (m.price === HaltStatus.Halt) {
          stats.halts++;
          if (stats.haltExamples.length < MAX_EXAMPLES) stats.haltExamples.push(msgSite.line);
          halted = true;
        } else if (m.price === HaltStatus.Quoting || m.price === HaltStatus.Trading) {
          stats.resumes++;
          if (m.price === HaltStatus.Trading) halted = false;
        } else {
          throw new DataFormatError(
            `${o.messagePath} line ${msgSite.line}: a type-7 (trading halt) message has price ${m.price}; ` +
              "LOBSTER writes -1 (halt), 0 (quoting resumes) or 1 (trading resumes)",
          );
        }
      } else if (halted) {
        stats.haltedRows++;
      }
      // while halted every record shows an empty book (the two-sided book is back after the resume)
      const [bookBefore, usdBefore] = halted ? [emptyBook, emptyUsd] : [before, beforeUsd];
      const [bookAfter, usdAfter] = halted ? [emptyBook, emptyUsd] : [after, afterUsd];
      const bid = m.direction === 1;
      const resting = bid ? Side.Bid : Side.Ask;
      const aggressor = bid ? Side.Ask : Side.Bid;
      let done: Mbp10FullBatch | undefined;
      switch (m.type) {
        case EventType.Add:
          if ((done = sink.start(ts))) yield done;
          fill(Action.Add, resting, sideLevel(after, bid, m.price), bookAfter, usdAfter, ts);
          break;
        case EventType.PartialCancel:
        case EventType.Delete:
          if ((done = sink.start(ts))) yield done;
          fill(Action.Cancel, resting, sideLevel(before, bid, m.price), bookAfter, usdAfter, ts);
          break;
        case EventType.VisibleExecution: {
          const depth = sideLevel(before, bid, m.price);
          if ((done = sink.start(ts))) yield done;
          fill(Action.Trade, aggressor, depth, bookBefore, usdBefore, ts);
          if ((done = sink.start(ts))) yield done;
          fill(Action.Cancel, resting, depth, bookAfter, usdAfter, ts);
          break;
        }
        case EventType.HiddenExecution:
          if ((done = sink.start(ts))) yield done;
          fill(Action.Trade, aggressor, sideLevel(before, bid, m.price), bookAfter, usdAfter, ts);
          break;
        case EventType.Cross:
          if ((done = sink.start(ts))) yield done;
          fill(Action.Trade, Side.None, 0, bookAfter, usdAfter, ts);
          break;
        default: // type 7
          if (m.price === HaltStatus.Halt) {
            if ((done = sink.start(ts))) yield done;
            fill(Action.Clear, Side.None, 0, emptyBook, emptyUsd, ts);
            sink.batch.price[sink.row] = Number.NaN;
            sink.batch.size[sink.row] = 0;
            sink.batch.flags[sink.row]! |= Flag.LAST;
          }
      }
      [before, after] = [after, before];
      [beforeUsd, afterUsd] = [afterUsd, beforeUsd];
      mLine = await msgs.nextNonBlank();
      bLine = await books.nextNonBlank();
    }
    const last = sink.finish();
    stats.records = sink.records;
    if (sink.firstTsNs !== undefined) stats.firstTsNs = sink.firstTsNs;
    if (sink.lastTsNs !== undefined) stats.lastTsNs = sink.lastTsNs;
    if (last) yield last;
  } finally {
    await msgs.close();
    await books.close();
  }
}

export interface LobsterImportOptions extends LobsterReadOptions {
  out: string;
  priceEncoding?: Mbp10WriteOptions["priceEncoding"];
}

/** LOBSTER's file names: TICKER_YYYY-MM-DD_STARTMS_ENDMS_{message,orderbook}_LEVELS.csv. */
const LOBSTER_NAME = /^(.+?)_(\d{4}-\d{2}-\d{2})_\d+_\d+_(message|orderbook)_(\d+)\b/;

/** What a LOBSTER file name says (undefined when it is not LOBSTER's name). */
export function parseLobsterName(
  path: string,
): { symbol: string; date: string; kind: "message" | "orderbook"; levels: number } | undefined {
  const m = LOBSTER_NAME.exec(basename(path));
  return m
    ? { symbol: m[1]!, date: m[2]!, kind: m[3] as "message" | "orderbook", levels: Number(m[4]) }
    : undefined;
}

/**
 * Mislabels the arguments can show before any row is read: a date that is not an NYSE trading day, a date
 * that contradicts LOBSTER's file names, the message and orderbook files given the other way round.
 */
export function checkLobsterNames(messagePath: string, orderbookPath: string, date: string): void {
  const reason = nonTradingReason(date);
  if (reason !== undefined)
    throw new InputError(
      `--date ${date} is not an NYSE trading day (${reason}); LOBSTER times are seconds after New York midnight of the trading day the file is from: give that date`,
    );
  const msg = parseLobsterName(messagePath);
  const book = parseLobsterName(orderbookPath);
  if (msg?.kind === "orderbook" && book?.kind === "message")
    throw new InputError(
      `the files look swapped: ${basename(messagePath)} is an orderbook file and ${basename(orderbookPath)} a message file; give the message file first: msor import lobster MESSAGE ORDERBOOK`,
    );
  for (const f of [msg, book]) {
    if (f && f.date !== date)
      throw new InputError(
        `--date ${date} contradicts the LOBSTER file name, which says ${f.date} (${basename(f.kind === "message" ? messagePath : orderbookPath)}); give --date ${f.date}`,
      );
  }
}

/** Message rows have 6 columns, orderbook rows 4 per level: files given the other way round say so. */
async function checkNotSwapped(messagePath: string, orderbookPath: string): Promise<void> {
  const columns = async (path: string) => {
    const r = new LineReader(path);
    try {
      const line = await r.nextNonBlank();
      return line === undefined ? 0 : line.split(",").length;
    } finally {
      await r.close();
    }
  };
  const [m, b] = [await columns(messagePath), await columns(orderbookPath)];
  if (m !== 6 && m > 0 && m % 4 === 0 && b === 6)
    throw new InputError(
      `the files look swapped: ${messagePath} has ${m} columns like an orderbook file (4 per level) and ${orderbookPath} has 6 like a message file; give the message file first: msor import lobster MESSAGE ORDERBOOK`,
    );
}

/**
 * Convert a LOBSTER message/orderbook pair to MBP-10 Parquet; the summary counts trading halts (written as
 * clear records), the type-7 resume messages (no record) and inconsistent rows.
 */
export async function importLobster(options: LobsterImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  checkDate(options.date);
  checkSymbol(options.symbol);
  const venueId = options.venueId ?? DEFAULT_LOBSTER_VENUE_ID;
  if (!Number.isInteger(venueId) || venueId < 0 || venueId > 0xffff) {
    throw new InputError(
      `venue id must be an integer in 0..65535 (a Databento publisher_id), got ${venueId}`,
    );
  }
  await requireFile(options.messagePath, "LOBSTER message file");
  await requireFile(options.orderbookPath, "LOBSTER orderbook file");
  checkLobsterNames(options.messagePath, options.orderbookPath, options.date);
  await checkNotSwapped(options.messagePath, options.orderbookPath);
  const stats = newLobsterStats();
  const records = await writeImport(
    options.out,
    lobsterBatches(options, stats),
    { priceEncoding: options.priceEncoding ?? "float" },
    () =>
      new DataFormatError(
        `${options.messagePath}: all ${stats.rows} rows are type-7 resume messages; nothing to write`,
      ),
  );
  const warnings: Record<string, number> = {};
  const examples: Record<string, number[]> = {};
  if (stats.inconsistentRows > 0) {
    warnings.inconsistent_book_rows = stats.inconsistentRows;
    examples.inconsistent_book_rows = stats.inconsistentExamples;
  }
  if (stats.timeBackwards > 0) warnings.time_backwards = stats.timeBackwards;
  if (stats.halts > 0) {
    // not a data problem, but a run over this file will see halted time (docs/models.md 7.1)
    warnings.trading_halts = stats.halts;
    examples.trading_halts = stats.haltExamples;
  }
  return {
    format: "lobster",
    inputs: [options.messagePath, options.orderbookPath],
    out: options.out,
    symbol: options.symbol,
    levels: Math.min(stats.levels, MAX_LEVELS),
    rows: stats.rows,
    records,
    dropped: stats.resumes > 0 ? { halt_resumes: stats.resumes } : {},
    warnings,
    examples,
    span: spanOf(stats.firstTsNs, stats.lastTsNs),
    seconds: (performance.now() - started) / 1000,
  };
}
