import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';

/** Optional anchors: checkpoint hashes recorded earlier (`<seq>:<hash>`), which the chain must still hold. */
export class VerifyLedgerRequestDto {
  @ApiPropertyOptional({ type: [String], example: ['42:3f2a…'], description: 'Checkpoint hashes recorded earlier, as <seq>:<64 hex>' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(/^[1-9]\d{0,15}:[0-9a-f]{64}$/, { each: true })
  anchors?: string[];
}
