import readline from 'readline';

/**
 * Asks a yes/no question on the terminal. Only `y`/`yes` confirm; anything else, including end of
 * input, declines.
 */
export async function confirm(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  question: string,
): Promise<boolean> {
  const prompt = readline.createInterface({ input, output, terminal: false });
  try {
    const answer = await new Promise<string | null>((resolve) => {
      prompt.once('close', () => resolve(null));
      prompt.question(`${question} [y/N] `, resolve);
    });
    return answer !== null && /^(y|yes)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
