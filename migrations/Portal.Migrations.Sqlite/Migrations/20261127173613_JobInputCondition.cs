using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobInputCondition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DetectedCondition",
                table: "Jobs",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DetectedJpegQuality",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DetectedNoiseSigma",
                table: "Jobs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestedCondition",
                table: "Jobs",
                type: "TEXT",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DetectedCondition",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "DetectedJpegQuality",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "DetectedNoiseSigma",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "RequestedCondition",
                table: "Jobs");
        }
    }
}
