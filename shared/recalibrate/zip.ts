import { errorMessage } from '../errors.js'

/** A file read out of a zip, in memory: nothing is ever written to disk, so no entry can escape. */
export interface ZipText {
  name: string
  text: string
}

export interface ZipLimits {
  /** Entries read at most (the rest are ignored with a problem). */
  maxEntries: number
  /** Largest single file read, uncompressed. */
  maxEntryBytes: number
  /** Largest total of the files read, uncompressed (a zip bomb stops here). */
  maxTotalBytes: number
  /** Which entries to read, by name. */
  wanted: (name: string) => boolean
}

export interface ZipRead {
  files: ZipText[]
  problems: string[]
}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/**
 * Reads the wanted entries of a zip held in memory, with yauzl (which checks CRCs, entry sizes
 * and refuses absolute paths and `..` segments). Entries are never extracted to disk. Symbolic
 * links, encrypted entries and anything over the limits are skipped with a problem; a zip yauzl
 * refuses (a name escaping the folder, a corrupt directory) is refused as a whole.
 */
export async function readZipTexts(buffer: Buffer, limits: ZipLimits): Promise<ZipRead> {
  // yauzl is CommonJS: Node's own loader lifts its exports onto the namespace, a bundler's puts them on default.
  const loaded = (await import('yauzl')) as typeof import('yauzl') & {
    default?: typeof import('yauzl')
  }
  const yauzl = loaded.default ?? loaded
  const out: ZipRead = { files: [], problems: [] }
  let total = 0
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true },
      (err, z) => (err ? reject(err) : resolve(z))
    )
  )
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = 0
      zip.on('error', reject)
      zip.on('end', () => resolve())
      zip.on('entry', (entry: import('yauzl').Entry) => {
        const name = entry.fileName
        const next = () => zip.readEntry()
        if (++seen > limits.maxEntries) {
          out.problems.push(`more than ${limits.maxEntries} entries; the rest were ignored`)
          resolve()
          return
        }
        if (name.endsWith('/') || !limits.wanted(name)) return next()
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT
        if (mode === S_IFLNK) {
          out.problems.push(`${name}: a symbolic link; not read`)
          return next()
        }
        if (entry.isEncrypted()) {
          out.problems.push(`${name}: encrypted; not read`)
          return next()
        }
        if (entry.uncompressedSize > limits.maxEntryBytes) {
          out.problems.push(
            `${name}: ${entry.uncompressedSize} bytes is over the ${limits.maxEntryBytes}-byte limit`
          )
          return next()
        }
        if (total + entry.uncompressedSize > limits.maxTotalBytes) {
          out.problems.push(
            `${name}: the artifact's files exceed ${limits.maxTotalBytes} bytes in all; the rest were ignored`
          )
          resolve()
          return
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err)
          const chunks: Buffer[] = []
          let size = 0
          stream.on('data', (c: Buffer) => {
            size += c.length
            // validateEntrySizes stops a lying header; this is a second bound on memory.
            if (size > limits.maxEntryBytes)
              stream.destroy(new Error(`${name}: larger than its header says`))
            else chunks.push(c)
          })
          stream.on('error', reject)
          stream.on('end', () => {
            total += size
            out.files.push({ name, text: Buffer.concat(chunks).toString('utf8') })
            next()
          })
        })
      })
      zip.readEntry()
    })
  } catch (error) {
    out.problems.push(`the zip could not be read safely: ${errorMessage(error)}`)
  }
  // A zip read from a buffer holds no file handle; yauzl closes it itself at the end.
  return out
}
