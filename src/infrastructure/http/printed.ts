import { existsSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { FastifyReply } from 'fastify';
import { chinaDateOf } from '../../domain/beijing-time';
import { contentDisposition } from './downloads';

/**
 * The printable papers offices post and file: a public notice (公示) and a project's approval (立项通知).
 * A4 PDFs in Chinese, with the glyphs they use embedded from Noto Sans SC (OFL 1.1; assets/fonts holds
 * a subset of GB 2312's 6,763 characters and the plan's own), so they print the same on any machine.
 */
// The same three levels up from src/infrastructure/http (ts-node, jest) and from dist/infrastructure/http (npm start).
const FONT = join(__dirname, '..', '..', '..', 'assets', 'fonts', 'NotoSansSC-GB2312.ttf');

const MARGIN = 64;
const ISSUER = '山西省教育厅';

export interface PrintedNotice {
  readonly cycleName: string;
  readonly programName: string;
  readonly noticeId: string;
  readonly endsOn: string;
  readonly projects: readonly { readonly title: string; readonly applicant: string; readonly tier: string | null }[];
  /** When the paper was printed: the service's clock, so a test or a sandbox prints its own day. */
  readonly printedAt: Date;
}

export interface PrintedApproval {
  readonly projectId: string;
  readonly title: string;
  readonly applicant: string;
  readonly programName: string;
  readonly cycleName: string;
  readonly tier: string | null;
  readonly approvedOn: string;
  readonly reason: string | null;
  readonly constructionPlanDueOn: string | null;
  readonly rulesVersion: string;
  /** The approval's place in the project's stream and its hash: what an auditor verifies the paper against. */
  readonly revision: number;
  readonly hash: string;
  readonly printedAt: Date;
}

/** A Beijing day (YYYY-MM-DD) as a Chinese date: 2032 年 10 月 8 日. */
function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y} 年 ${m} 月 ${d} 日`;
}

function paper(title: string, printedAt: Date): PDFKit.PDFDocument {
  if (!existsSync(FONT)) throw new Error('assets/fonts/NotoSansSC-GB2312.ttf is missing: the printed papers need their Chinese font');
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Author: ISSUER, CreationDate: printedAt }, compress: true });
  doc.registerFont('song', FONT);
  doc.font('song');
  return doc;
}

function finished(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.end();
  return done;
}

/** The issuer and the day at the foot of a paper, on the right as an official paper signs. */
function signature(doc: PDFKit.PDFDocument, day: string): void {
  doc.moveDown(2).fontSize(12).text(ISSUER, { align: 'right' }).text(chineseDate(day), { align: 'right' });
}

/** A table's row: each cell in its column, the row as tall as its tallest cell; a new page when it would not fit. */
function row(doc: PDFKit.PDFDocument, cells: readonly string[], widths: readonly number[], header = false): void {
  const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 8 }));
  const height = Math.max(...heights) + 8;
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  const top = doc.y;
  let x = MARGIN;
  cells.forEach((cell, i) => {
    if (header) doc.rect(x, top, widths[i], height).fillAndStroke('#eeeeee', '#666666').fillColor('#000000');
    else doc.rect(x, top, widths[i], height).stroke('#666666');
    doc.text(cell, x + 4, top + 4, { width: widths[i] - 8 });
    x += widths[i];
  });
  doc.x = MARGIN;
  doc.y = top + height;
}

/** A public notice as posted: the list, the notice's end, and how to object (by real name, with evidence). */
export function printNotice(notice: PrintedNotice): Promise<Buffer> {
  const title = `${notice.cycleName}拟入选名单公示`;
  const doc = paper(title, notice.printedAt);
  doc.fontSize(18).text(title, { align: 'center' }).moveDown();
  doc
    .fontSize(12)
    .text(
      `经申报、形式审查、推荐和专家评审，现将${notice.programName}拟入选名单（共 ${notice.projects.length} 个）予以公示。公示期至 ${chineseDate(notice.endsOn)}。` +
        '对公示名单有异议的，请在公示期内以真实姓名实名提出，并附证明材料；匿名、无证据或逾期提出的异议不予受理。',
      { lineGap: 4 },
    )
    .moveDown();
  const width = doc.page.width - 2 * MARGIN;
  const widths = [40, width * 0.45, width * 0.35, 0].map((w, i, all) => (i === 3 ? width - all[0] - all[1] - all[2] : w));
  doc.fontSize(11);
  row(doc, ['序号', '项目名称', '申报单位', '档次'], widths, true);
  notice.projects.forEach((p, i) => row(doc, [String(i + 1), p.title, p.applicant, p.tier ?? '—'], widths));
  doc.fontSize(10).moveDown().text(`公示编号 ${notice.noticeId}`);
  signature(doc, chinaDateOf(notice.printedAt.toISOString()));
  return finished(doc);
}

/** A project's approval (立项通知): what was approved, when, by which rules, and where the record proves it. */
export function printApproval(approval: PrintedApproval): Promise<Buffer> {
  const title = `关于${approval.title}立项的通知`;
  const doc = paper(title, approval.printedAt);
  doc.fontSize(18).text(title, { align: 'center' }).moveDown();
  doc.fontSize(12).text(`${approval.applicant}：`).moveDown(0.5);
  doc
    .text(
      `经申报、遴选和公示，你单位申报的“${approval.title}”列入${approval.cycleName}（${approval.programName}）立项建设名单，立项日期为 ${chineseDate(approval.approvedOn)}。` +
        (approval.constructionPlanDueOn ? `请于 ${chineseDate(approval.constructionPlanDueOn)}前提交建设方案和任务书。` : ''),
      { lineGap: 4, indent: 24 },
    )
    .moveDown();
  const width = doc.page.width - 2 * MARGIN;
  const widths = [120, width - 120];
  doc.fontSize(11);
  for (const [label, value] of [
    ['项目名称', approval.title],
    ['申报单位', approval.applicant],
    ['项目类型', approval.programName],
    ['批次', approval.cycleName],
    ['档次', approval.tier ?? '—'],
    ['立项理由', approval.reason ?? '—'],
    ['规则版本', approval.rulesVersion],
  ] as const)
    row(doc, [label, value], widths);
  signature(doc, chinaDateOf(approval.printedAt.toISOString()));
  doc
    .moveDown(2)
    .fontSize(9)
    .fillColor('#444444')
    .text(`记录核验：项目 ${approval.projectId}，事件序号 ${approval.revision}，哈希 ${approval.hash}。可在平台审计页面核验本通知与记录一致。`);
  return finished(doc);
}

export function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer): Buffer {
  reply.header('content-type', 'application/pdf');
  // Inline: the browser shows the paper, and prints or saves it under its Chinese name.
  reply.header('content-disposition', contentDisposition(fileName));
  return pdf;
}
