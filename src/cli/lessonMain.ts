// Entry point of `npm run lesson` (run with tsx): wires the lesson runner to the file system and the exit code.
import { readFileSync } from 'node:fs';
import { lessonMain } from './lesson';

try {
  process.exitCode = lessonMain(process.argv.slice(2), {
    readFile: (path) => readFileSync(path, 'utf8'),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
} catch (err) {
  // Not the lesson's fault: keep it apart from 1 (a check failed) and 2 (bad input).
  process.stderr.write(`lesson: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 3;
}
