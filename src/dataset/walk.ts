import type { FileEntry, SkippedFile } from "../core/sampling.ts";

export interface BrowserFile extends FileEntry {
  file: File;
}

export interface Listing {
  files: BrowserFile[];
  /** Entries that could not be read at all (permissions, vanished files). */
  unreadable: SkippedFile[];
}

/** readEntries() hands back a directory's children in batches (about 100 in Chromium): keep
 * calling until it returns an empty batch. */
function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** Walks dropped items (folders and files) into a flat listing with folder-relative paths. */
export async function listDropped(items: DataTransferItemList, onCount?: (n: number) => void): Promise<Listing> {
  const roots = Array.from(items)
    .filter((i) => i.kind === "file")
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  const listing: Listing = { files: [], unreadable: [] };
  const visit = async (entry: FileSystemEntry): Promise<void> => {
    const path = entry.fullPath.replace(/^\//, "");
    try {
      if (entry.isDirectory) {
        for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await visit(child);
      } else if (entry.isFile) {
        const file = await fileOf(entry as FileSystemFileEntry);
        listing.files.push({ path, size: file.size, file });
        if (listing.files.length % 500 === 0) onCount?.(listing.files.length);
      }
    } catch (e) {
      listing.unreadable.push({ path, reason: `could not be read (${(e as Error).message || "permission denied"})` });
    }
  };
  for (const root of roots) await visit(root);
  onCount?.(listing.files.length);
  return listing;
}

/** The `<input webkitdirectory>` path: files carry their folder-relative path already. The size is
 * read only when asked (planDataset asks only for the files its sample reaches): the first read of
 * a picked file's size is a synchronous round trip, 1.7 s of frozen page for 10,000 files. */
export function listInput(files: FileList | readonly File[]): Listing {
  return {
    files: Array.from(files, (file) => ({
      path: file.webkitRelativePath || file.name,
      file,
      get size() {
        return file.size;
      },
    })),
    unreadable: [],
  };
}
