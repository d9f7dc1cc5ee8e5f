/** A decimal digit of any script: ASCII `0`–`9`, fullwidth `０`–`９`, Arabic-Indic `٠`–`٩`, mathematical `𝟎`–`𝟗`, … */
const DECIMAL_DIGIT = /\p{Nd}/u;
const DECIMAL_DIGITS = /\p{Nd}/gu;

/**
 * The value of `digit`, a decimal digit (Unicode Nd) of any script. Unicode encodes every set of decimal digits as
 * ten contiguous code points from 0 to 9 (a stability guarantee), and sets that follow each other (the mathematical
 * digits) are whole sets; so the value is the distance to the first digit of the run, modulo 10.
 */
function valueOf(digit: string): number {
  let codePoint = digit.codePointAt(0)!;
  let distance = 0;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(codePoint - 1))) {
    codePoint--;
    distance++;
  }
  return distance % 10;
}

/** `text` with every decimal digit of any script (Unicode Nd) written as its ASCII digit; everything else as it is. */
export function asciiDigits(text: string): string {
  return text.replace(DECIMAL_DIGITS, (digit) => (digit >= '0' && digit <= '9' ? digit : String(valueOf(digit))));
}
