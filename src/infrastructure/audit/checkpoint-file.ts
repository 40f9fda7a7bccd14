import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Checkpoint, CheckpointLine, parseCheckpoint } from '../../application/checkpoints';

export const CHECKPOINT_FILE = 'checkpoints.ndjson';

export const checkpointFileIn = (dir: string) => join(dir, CHECKPOINT_FILE);

/** Every line of an NDJSON checkpoint file; a missing file has none. */
export function readCheckpointFile(file: string): CheckpointLine[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, index) => {
    const parsed = parseCheckpoint(line);
    return typeof parsed === 'string' ? { line: index + 1, unreadable: parsed } : { line: index + 1, checkpoint: parsed };
  });
}

/**
 * Appends one checkpoint as a line and syncs it to disk before returning. A line cut short by a crash
 * while it was appended (never synced, so never a checkpoint) is cut off first, so the file stays
 * whole lines; answers how many bytes that took away.
 */
export function appendCheckpoint(file: string, checkpoint: Checkpoint): { cutBytes: number } {
  const created = !existsSync(file);
  if (created) mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, created ? 'w+' : 'r+');
  let cutBytes = 0;
  try {
    const size = fstatSync(fd).size;
    const end = size === 0 ? 0 : wholeLinesEnd(fd, size);
    cutBytes = size - end;
    if (cutBytes > 0) ftruncateSync(fd, end);
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`, end);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) syncDirectory(dirname(file));
  return { cutBytes };
}

/** The offset just after the file's last newline (0 when it has none). */
function wholeLinesEnd(fd: number, size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, end - start).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/** A new file's directory entry is durable only once its directory is synced too. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform or file system syncs directories; the file itself is synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
