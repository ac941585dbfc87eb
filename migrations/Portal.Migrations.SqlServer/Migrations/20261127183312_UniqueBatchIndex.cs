using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class UniqueBatchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_BatchId",
                table: "Jobs");

            migrationBuilder.AddColumn<int>(
                name: "BatchIndex",
                table: "Jobs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            // Jobs submitted before this migration get their place in the batch (by age), so the unique index fits them.
            migrationBuilder.Sql(
                """
                UPDATE "Jobs" SET "BatchIndex" = (SELECT COUNT(*) FROM "Jobs" AS "Earlier"
                    WHERE "Earlier"."BatchId" = "Jobs"."BatchId"
                    AND ("Earlier"."CreatedAt" < "Jobs"."CreatedAt" OR ("Earlier"."CreatedAt" = "Jobs"."CreatedAt" AND "Earlier"."Id" < "Jobs"."Id")))
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_BatchId_BatchIndex",
                table: "Jobs",
                columns: new[] { "BatchId", "BatchIndex" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_BatchId_BatchIndex",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "BatchIndex",
                table: "Jobs");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_BatchId",
                table: "Jobs",
                column: "BatchId");
        }
    }
}
