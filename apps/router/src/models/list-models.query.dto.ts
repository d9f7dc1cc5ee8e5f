import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** Filter of the model list. */
export class ListModelsQueryDto {
  @ApiPropertyOptional({
    example: 'GM0080',
    description:
      "Only the versions for this municipality (CBS code): per model the versions for it, with `latest` the one its new cases get by default (its own newest, else the newest for all); models with none are left out",
  })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;
}
