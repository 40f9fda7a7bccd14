import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';

/** A notification's id: its cause event's UUID and its kind. */
const NOTIFICATION_ID = /^[0-9a-f-]{36}\.[a-z-]{1,40}$/;

/** Marks some of the acting person's notifications read (`ids`), or all of them (`all: true`); one of the two. */
export class MarkNotificationsReadDto {
  @ApiPropertyOptional({ example: ['3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11.selection'], type: [String], description: 'At most 500; ids not among the person’s notifications are left alone' })
  @ValidateIf((o: MarkNotificationsReadDto) => o.all === undefined || o.ids !== undefined)
  @ValidateBy({ name: 'idsOrAll', validator: { validate: (_value, args) => (args?.object as MarkNotificationsReadDto).all === undefined, defaultMessage: () => 'ids must not be given with all' } })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(NOTIFICATION_ID, { each: true, message: 'ids must be notification ids as GET /notifications answers them' })
  ids?: string[];

  @ApiPropertyOptional({ example: true, description: 'Marks every notification of the person read' })
  @ValidateIf((o: MarkNotificationsReadDto) => o.all !== undefined)
  @Equals(true, { message: 'all must be true' })
  all?: true;
}
